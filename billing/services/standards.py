"""Fee items and fee standards: a change of a standard (费用调整) is a new version with a
reason and an effective date; a version is never edited."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import record_event
from core.errors import DomainError
from estates.permissions import require

from .. import permissions as P
from ..models import FeeItem, FeeStandard, FeeTier


def _tiers_save(standard, tiers):
    FeeTier.objects.bulk_create(
        [FeeTier(standard=standard, up_to=up_to, price=price) for up_to, price in tiers]
    )


def standard_create(
    *,
    estate,
    fee_item,
    method,
    price,
    effective_from,
    actor,
    buildings=(),
    unit_kinds=(),
    tiers=(),
    reason="",
    previous=None,
) -> FeeStandard:
    """A fee standard's first version, or (with `previous`) its next one."""
    require(actor, P.CONFIGURE, estate)
    if fee_item.estate_id not in (None, estate.pk):
        raise DomainError(_("This fee item belongs to another estate."))
    with transaction.atomic():
        versions = FeeStandard.objects.select_for_update().filter(estate=estate, fee_item=fee_item)
        latest = versions.order_by("-version").first()
        if previous is None and latest is not None:
            raise DomainError(
                _("This fee item has a standard already: change it with a new version.")
            )
        if previous is not None and (latest is None or latest.pk != previous.pk):
            raise DomainError(
                _("Someone changed this standard meanwhile: start from its latest version.")
            )
        if previous is not None and effective_from <= previous.effective_from:
            raise DomainError(_("A new version takes effect after the one it replaces."))
        try:
            with transaction.atomic():
                standard = FeeStandard.objects.create(
                    estate=estate,
                    fee_item=fee_item,
                    method=method,
                    price=price,
                    effective_from=effective_from,
                    unit_kinds=list(unit_kinds),
                    reason=reason,
                    previous=previous,
                    version=(latest.version + 1) if latest else 1,
                    created_by=actor,
                )
        except IntegrityError:
            raise DomainError(
                _("A version of this standard already takes effect on that day.")
            ) from None
        standard.buildings.set(buildings)
        _tiers_save(standard, sorted(tiers, key=lambda t: (t[0] is None, t[0] or 0)))
        verb = "fee_standard_revised" if previous else "fee_standard_created"
        record_event(
            standard,
            actor=actor,
            verb=verb,
            changes={"price": str(price), "effective_from": str(effective_from)},
            note=reason,
        )
    return standard


def standard_revise(*, standard, actor, reason: str, **values) -> FeeStandard:
    """费用调整: the next version of `standard`, with a reason."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the change."))
    return standard_create(
        estate=standard.estate,
        fee_item=standard.fee_item,
        actor=actor,
        reason=reason,
        previous=standard,
        **values,
    )


def fee_item_create(*, estate, kind, name: str, periodic: bool, actor) -> FeeItem:
    """A fee item of `estate` (company-wide items come with the company's setup)."""
    require(actor, P.CONFIGURE, estate)
    name = name.strip()
    if FeeItem.objects.for_estate(estate).filter(name=name).exists():
        raise DomainError(_("A fee item of this name exists already."))
    with transaction.atomic():
        item = FeeItem.objects.create(estate=estate, kind=kind, name=name, periodic=periodic)
        record_event(item, actor=actor, verb="fee_item_created", changes={"name": name})
    return item
