"""Comparisons of a survey's results: with the estate's previous survey, and across the
estates the user may see (the latest survey of each). One grouped query for any number of
surveys (dimension_scores)."""

from django.db.models import Count, OuterRef, Q, Subquery

from .choices import SATISFIED_FROM, Dimension, QuestionKind, SurveyStatus
from .models import Answer, Survey
from .results import pct


def previous_survey(survey):
    """The estate's survey before this one (published or closed, started earlier)."""
    return (
        Survey.objects.filter(estate_id=survey.estate_id, starts_on__lt=survey.starts_on)
        .exclude(status=SurveyStatus.DRAFT)
        .order_by("-starts_on", "-id")
        .first()
    )


def dimension_scores(surveys) -> dict:
    """{survey_id: {"all": % satisfied, "by": {dimension: % satisfied}}} for several
    surveys, from one grouped query."""
    surveys = list(surveys)
    groups = (
        Answer.objects.filter(
            survey_id__in=[s.pk for s in surveys], question__kind=QuestionKind.RATING
        )
        .values("survey_id", "question__section__dimension")
        .annotate(n=Count("id"), satisfied=Count("id", filter=Q(number__gte=SATISFIED_FROM)))
        .order_by()
    )
    by = {s.pk: {} for s in surveys}
    totals = {s.pk: [0, 0] for s in surveys}
    for row in groups:
        by[row["survey_id"]][row["question__section__dimension"]] = pct(row["satisfied"], row["n"])
        totals[row["survey_id"]][0] += row["satisfied"]
        totals[row["survey_id"]][1] += row["n"]
    return {pk: {"all": pct(*totals[pk]), "by": by[pk]} for pk in by}


def compare_with_previous(survey, results) -> dict | None:
    previous = previous_survey(survey)
    if previous is None:
        return None
    before = dimension_scores([previous])[previous.pk]
    rows = []
    for row in results["dimensions"]:
        old = before["by"].get(row["dimension"])
        new = row["satisfied_pct"]
        change = new - old if old is not None and new is not None else None
        rows.append({"label": row["label"], "before": old, "now": new, "change": change})
    overall_old, overall_new = before["all"], results["satisfied_pct"]
    return {
        "survey": previous,
        "rows": rows,
        "overall_before": overall_old,
        "overall_change": (
            overall_new - overall_old
            if overall_old is not None and overall_new is not None
            else None
        ),
    }


def compare_estates(user, perm, survey) -> list[dict]:
    """The latest survey (not a draft, started by the end of this one) of each estate the
    user may see results of, with its overall and per-dimension % satisfied."""
    shown = (
        Survey.objects.exclude(status=SurveyStatus.DRAFT)
        .filter(starts_on__lte=survey.ends_on)
        .order_by("-starts_on", "-id")
    )
    latest_of_estate = shown.filter(estate_id=OuterRef("estate_id")).values("pk")[:1]
    candidates = (
        Survey.objects.for_user(user, perm)
        .filter(estate__is_active=True, pk=Subquery(latest_of_estate))
        .select_related("estate")
    )
    latest = list(candidates)
    scores = dimension_scores(latest)
    dimensions = [row["dimension"] for row in survey_results_dimensions(survey)]
    rows = []
    for other in sorted(latest, key=lambda s: s.estate.name):
        s = scores[other.pk]
        rows.append(
            {
                "survey": other,
                "estate": other.estate.name,
                "overall": s["all"],
                "dimensions": [s["by"].get(d) for d in dimensions],
                "is_this": other.pk == survey.pk,
            }
        )
    return rows


def survey_results_dimensions(survey) -> list[dict]:
    """The survey's dimensions in order (a small query over its sections)."""
    seen = []
    for dimension in survey.sections.order_by("order", "id").values_list("dimension", flat=True):
        if dimension not in seen:
            seen.append(dimension)
    return [{"dimension": d, "label": Dimension(d).label} for d in seen]
