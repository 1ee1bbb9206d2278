"""What the staff survey pages share: the survey in the user's scope, checked in its
estate, and the way a service's refusal is shown."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from core.errors import DomainError
from estates.access import get_scoped_or_404

from ..models import Survey

ERRORS = (DomainError, ValidationError)


def get_survey(request, survey_pk, perm):
    return get_scoped_or_404(
        Survey.objects.select_related("estate"), request.user, perm, pk=survey_pk
    )


def flash_error(request, exc):
    for text in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, text)


def flash_form_errors(request, form):
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)


def to_survey(survey_or_pk):
    pk = getattr(survey_or_pk, "pk", survey_or_pk)
    return redirect("surveys:survey_detail", survey_pk=pk)
