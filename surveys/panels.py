"""The surveys' part of the estate's staff page: its latest survey's satisfaction against
the target, and the open follow-ups (for staff who may see survey results there)."""

from estates.permissions import has_perm

from . import permissions as P
from .choices import FollowUpStatus, SurveyStatus
from .comparisons import dimension_scores
from .models import FollowUp, Survey


def estate_panel(request, estate, **page):
    if not has_perm(request.user, P.VIEW, estate):
        return None
    latest = (
        Survey.objects.filter(estate=estate)
        .exclude(status=SurveyStatus.DRAFT)
        .order_by("-starts_on", "-id")
        .first()
    )
    if latest is None:
        return None
    return {
        "template": "surveys/partials/estate_panel.html",
        "survey": latest,
        "satisfied": dimension_scores([latest])[latest.pk]["all"],
        "open_follow_ups": FollowUp.objects.filter(
            survey__estate=estate, status=FollowUpStatus.OPEN
        ).count(),
    }
