"""Company settings of inspections: holidays (of an estate, or of every estate) and the check
item templates a new checkpoint on equipment of a category starts with."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import record_event
from estates.permissions import require

from .. import permissions as P
from ..models import CheckItemTemplate, Holiday


def holiday_add(*, actor, estate, date, name, company_wide=False):
    """A day without rounds for plans that skip holidays. Company-wide: administrators."""
    if company_wide:
        if not actor.is_company_admin:
            raise PermissionDenied
        estate = None
    else:
        require(actor, P.CONFIGURE, estate)
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(estate=estate, date=date, name=name)
    except IntegrityError:
        raise ValidationError({"date": _("That day is a holiday already.")}) from None
    record_event(holiday, actor=actor, verb="created", changes={"date": [None, str(date)]})
    return holiday


def holiday_remove(*, actor, holiday_id):
    with transaction.atomic():
        holiday = Holiday.objects.for_user(actor).select_for_update().get(pk=holiday_id)
        require(actor, P.CONFIGURE, holiday.estate)
        record_event(
            holiday, actor=actor, verb="ended", changes={"date": [str(holiday.date), None]}
        )
        holiday.delete()


def templates_save(*, actor, category, formset):
    """The checklist of an equipment category (company administrators)."""
    if not actor.is_company_admin:
        raise PermissionDenied
    with transaction.atomic():
        for form in formset.forms:
            form.instance.category = category
        saved = formset.save()
        for template in saved:
            record_event(template, actor=actor, verb="updated")
    return CheckItemTemplate.objects.filter(category=category)
