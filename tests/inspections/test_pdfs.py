"""The monthly inspection report (月度巡检报告): rates by route and person, findings with
their tickets, read in Chinese from the PDF's text."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from estates.choices import Role
from inspections import services
from inspections.choices import RoundStatus
from inspections.reports import daily_figures, monthly_figures

from .factories import make_round, pump_setup

SH = ZoneInfo("Asia/Shanghai")


def pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_monthly_figures_and_the_pdf_in_chinese(world, login, settings):
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    services.checkpoint_record(
        round_id=round_.pk, checkpoint=checkpoint, actor=world.staff[Role.SECURITY],
        answers=[services.AnswerData(item_id=pressure.pk, value="0.9"),
                 services.AnswerData(item_id=noise.pk, value="ok")],
    )  # fmt: skip
    services.round_finish(round_id=round_.pk, actor=world.staff[Role.SECURITY])
    start = round_.window_start
    make_round(round_.plan, start=start - timedelta(hours=5), status=RoundStatus.MISSED)
    make_round(round_.plan, start=start - timedelta(hours=8), status=RoundStatus.LATE)
    # A round of the month before (local time) is not counted.
    local = start.astimezone(SH)
    first = datetime(local.year, local.month, 1, tzinfo=SH)
    make_round(round_.plan, start=first - timedelta(minutes=30), status=RoundStatus.MISSED)

    figures = monthly_figures(world.estate, local.year, local.month)
    if (start - timedelta(hours=8)).astimezone(SH).month != local.month:
        pytest.skip("the test's rounds straddle a month end")
    total = figures["total"]
    assert (total["done"], total["late"], total["missed"]) == (1, 1, 1)
    assert str(total["done_rate"]) == "33.3"
    assert len(figures["findings"]) == 1

    client = login(world.manager)
    client.post(reverse("staff:estate_switch"), {"estate": world.estate.pk, "next": "/"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    url = reverse("inspections:monthly_report_pdf",
                  kwargs={"year": local.year, "month": local.month})  # fmt: skip
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "月度巡检报告" in text and "锦绣园" in text
    assert "33.3%" in text and figures["findings"][0].ticket.number in text


@pytest.mark.django_db
def test_the_daily_report_in_chinese_lists_the_days_rounds_and_tickets(world, login, settings):
    checkpoint, pressure, noise, round_ = pump_setup(world.estate)
    _answers, (finding,) = services.checkpoint_record(
        round_id=round_.pk, checkpoint=checkpoint, actor=world.staff[Role.SECURITY],
        answers=[services.AnswerData(item_id=pressure.pk, value="0.9"),
                 services.AnswerData(item_id=noise.pk, value="ok")],
    )  # fmt: skip
    services.round_finish(round_id=round_.pk, actor=world.staff[Role.SECURITY])
    local = round_.window_start.astimezone(SH)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    make_round(round_.plan, start=day_start + timedelta(minutes=1), status=RoundStatus.MISSED)
    make_round(round_.plan, start=day_start - timedelta(hours=2), status=RoundStatus.MISSED)
    client = login(world.manager)
    client.post(reverse("staff:estate_switch"), {"estate": world.estate.pk, "next": "/"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    url = reverse(
        "inspections:daily_report_pdf",
        kwargs={"year": local.year, "month": local.month, "day": local.day},
    )
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "日巡检报告" in text and "锦绣园" in text and "当日巡检任务" in text
    assert finding.ticket.number in text and "出水压力" in text
    assert "已完成" in text and "漏检" in text
    figures = daily_figures(world.estate, local.date())
    # The day before's round is not in it; the day's are, with the finding on its round.
    assert {r.pk for r in figures["rounds"]} == {round_.pk, figures["rounds"][0].pk}
    assert len(figures["rounds"]) == 2
    assert [r.day_findings for r in figures["rounds"] if r.pk == round_.pk] == [[finding]]
    assert (figures["total"]["done"], figures["total"]["missed"]) == (1, 1)
