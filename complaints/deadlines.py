"""The deadlines of a complaint: acknowledge within hours, resolve within days, per estate
and category (DeadlineRule rows, else the defaults)."""

from datetime import timedelta

from .models import DEFAULT_DEADLINES, DeadlineRule

# How long before a deadline the responsible person is warned.
WARN_BEFORE = {"acknowledge": timedelta(minutes=30), "resolve": timedelta(hours=4)}


def rule_for(estate, category) -> tuple[int, int]:
    """(acknowledge hours, resolve days) of `category` in `estate`."""
    row = (
        DeadlineRule.objects.filter(estate=estate, category=category)
        .values_list("acknowledge_hours", "resolve_days")
        .first()
    )
    return row or DEFAULT_DEADLINES.get(category, (8, 5))


def deadline_table(estate) -> list[tuple[str, str, int, int, bool]]:
    """(category, label, hours, days, is_own) of every category, for the settings page."""
    from .choices import Category

    own = {r.category: r for r in DeadlineRule.objects.filter(estate=estate)}
    rows = []
    for value, label in Category.choices:
        if value in own:
            rows.append((value, label, own[value].acknowledge_hours, own[value].resolve_days, True))
        else:
            hours, days = DEFAULT_DEADLINES[value]
            rows.append((value, label, hours, days, False))
    return rows


def acknowledge_due(estate, category, start):
    return start + timedelta(hours=rule_for(estate, category)[0])


def resolve_due(estate, category, start):
    return start + timedelta(days=rule_for(estate, category)[1])
