"""Costs and financial transparency: cost records (entered or imported all-or-nothing),
and the summaries of a quarter or a year, prepared (a snapshot of the figures) and then
published to the estate's owners."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_event, record_events_bulk
from core.errors import DomainError
from core.money import money
from estates.permissions import require

from .. import permissions as P
from ..imports import Checked, check_costs
from ..models.costs import CostGroup, CostRecord, SummaryStatus, TransparencySummary
from ..selectors_costs import Span, income_and_cost


def cost_create(*, estate, period: str, group: str, subcategory: str, amount, note="", actor):
    require(actor, P.COSTS, estate)
    if group not in CostGroup.values:
        raise DomainError(_("Choose the cost group."))
    amount = money(amount)
    if amount < 0:
        raise DomainError(_("Cannot be negative."))
    with transaction.atomic():
        record = CostRecord.objects.create(
            estate=estate, period=period, group=group, subcategory=subcategory.strip(),
            amount=amount, note=note, created_by=actor,
        )  # fmt: skip
        record_event(
            record, actor=actor, verb="cost_recorded",
            changes={"period": period, "group": group, "amount": str(amount)},
        )  # fmt: skip
    return record


def costs_import(*, estate, upload, actor) -> Checked:
    """Every row of the file, or none: a file with a bad row saves nothing."""
    require(actor, P.COSTS, estate)
    checked = check_costs(upload, estate=estate, actor=actor)
    if checked.errors:
        return checked
    with transaction.atomic():
        created = CostRecord.objects.bulk_create(checked.rows)
        record_events_bulk(created, actor=actor, verb="cost_imported")
    checked.rows = created
    return checked


def _span(year: int, quarter: int | None) -> Span:
    return Span.of_quarter(year, quarter) if quarter else Span.of_year(year)


def summary_prepare(
    *, estate, year: int, quarter: int | None, actor, note=""
) -> TransparencySummary:
    """Take (or take again, while not published) the figures of a quarter or a year."""
    require(actor, P.COSTS, estate)
    if quarter is not None and not 1 <= quarter <= 4:
        raise DomainError(_("Choose a quarter from 1 to 4."))
    figures = income_and_cost(estate, _span(year, quarter)).as_json()
    with transaction.atomic():
        summary = (
            TransparencySummary.objects.select_for_update()
            .filter(estate=estate, year=year, quarter=quarter)
            .first()
        )
        if summary is not None and summary.status == SummaryStatus.PUBLISHED:
            raise DomainError(_("This summary is published already and can't be changed."))
        try:
            with transaction.atomic():
                if summary is None:
                    summary = TransparencySummary.objects.create(
                        estate=estate, year=year, quarter=quarter, figures=figures,
                        note=note, prepared_by=actor,
                    )  # fmt: skip
                    verb = "summary_prepared"
                else:
                    summary.figures, summary.note, summary.prepared_by = figures, note, actor
                    summary.save(update_fields=["figures", "note", "prepared_by", "updated_at"])
                    verb = "summary_refreshed"
        except IntegrityError:
            raise DomainError(_("A summary of this period is being prepared already.")) from None
        record_event(summary, actor=actor, verb=verb)
    return summary


def summary_publish(*, summary_id, actor) -> TransparencySummary:
    with transaction.atomic():
        summary = (
            TransparencySummary.objects.select_for_update()
            .select_related("estate")
            .get(pk=summary_id)
        )
        require(actor, P.COSTS, summary.estate)
        if summary.status == SummaryStatus.PUBLISHED:
            raise DomainError(_("This summary is published already."))
        summary.status = SummaryStatus.PUBLISHED
        summary.published_at, summary.published_by = timezone.now(), actor
        summary.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        record_event(
            summary, actor=actor, verb="summary_published",
            changes={"status": [SummaryStatus.DRAFT, SummaryStatus.PUBLISHED]},
        )  # fmt: skip
    return summary
