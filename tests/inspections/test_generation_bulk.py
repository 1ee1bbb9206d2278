"""Generation in bulk: rounds written as dicts through one INSERT per batch, columns that are
the same in every row sent once, the plan's single person read in one query."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from estates.choices import Role
from inspections import services
from inspections.choices import RoundStatus
from inspections.models import Round
from inspections.services.generate import BATCH, _insert_sql, insert_new

from ..factories import UserFactory
from .factories import PlanFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 7, 0, tzinfo=SH)


@pytest.mark.django_db
def test_a_round_goes_to_the_plan_s_only_person_else_to_the_role(world):
    one, two = UserFactory(), UserFactory()
    alone = PlanFactory(route__estate=world.estate, times=["09:00", "13:00"])
    alone.assignees.set([one])
    pair = PlanFactory(route__estate=world.estate, assignee_role=Role.TECHNICIAN)
    pair.assignees.set([one, two])
    nobody = PlanFactory(route__estate=world.estate)
    assert services.rounds_generate(now=NOW)["created"] == 2 * 2 + 2 + 2  # today and tomorrow
    rounds = Round.objects.order_by("window_start", "id")
    assert {r.assignee_id for r in rounds.filter(plan=alone)} == {one.pk}
    assert {(r.assignee_id, r.role) for r in rounds.filter(plan=pair)} == {(None, "technician")}
    assert {(r.assignee_id, r.role) for r in rounds.filter(plan=nobody)} == {(None, "security")}
    every = rounds.values_list("estate_id", "route_id", "status", "warned", "manager_told")
    assert set(every) == {(world.estate.pk, p.route_id, RoundStatus.SCHEDULED, False, False)
                          for p in (alone, pair, nobody)}  # fmt: skip
    assert all(r.created_at and r.created_at == r.updated_at for r in rounds)


@pytest.mark.django_db
def test_rows_of_one_batch_and_of_several_are_stored_as_given(world):
    plans = [PlanFactory(route__estate=world.estate) for _ in range(3)]
    start = datetime(2026, 12, 3, 9, 0, tzinfo=SH)
    rows = [
        {
            "estate_id": world.estate.pk,
            "plan_id": plans[k % 3].pk,
            "route_id": plans[k % 3].route_id,
            "window_start": start + timedelta(hours=k),
            "window_end": start + timedelta(hours=k + 2),
            "assignee_id": None,
            "role": "security",
            "status": RoundStatus.SCHEDULED,
            "warned": k == 5,  # one row differs: the column goes as an array
            "manager_told": False,
        }
        for k in range(BATCH + 7)  # two batches, the second of 7 rows
    ]
    fields = ["estate", "plan", "route", "window_start", "window_end", "assignee", "role",
              "status", "warned", "manager_told"]  # fmt: skip
    assert insert_new(Round, rows, fields) == len(rows)
    assert insert_new(Round, rows, fields) == 0
    stored = Round.objects.values_list("plan_id", "window_start", "warned")
    assert sorted(stored) == sorted((r["plan_id"], r["window_start"], r["warned"]) for r in rows)


def test_constant_columns_go_once_and_the_last_stays_an_array_when_all_are_constant():
    sql, params = _insert_sql("t", "a, b, c", ["integer", "integer", "text"],
                              [[1, 2], [7, 7], ["x", "x"]])  # fmt: skip
    assert "SELECT u.c0, %s::integer, %s::text FROM unnest(%s::integer[])" in sql
    assert params == [7, "x", [1, 2]]
    sql, params = _insert_sql("t", "a, b", ["integer", "text"], [[1], ["x"]])
    assert "SELECT %s::integer, u.c0 FROM unnest(%s::text[]) AS u(c0)" in sql
    assert params == [1, ["x"]]


@pytest.mark.django_db
def test_one_insert_per_batch(world, django_assert_max_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("the unnest() insert is PostgreSQL's")
    for _ in range(3):
        PlanFactory(route__estate=world.estate, times=["09:00", "13:00", "17:00"])
    # the plans (a server-side cursor), their single persons, one INSERT; no query per plan
    with django_assert_max_num_queries(5):
        assert services.rounds_generate(now=NOW)["created"] == 18
