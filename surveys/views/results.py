"""The results page and its PDF: the same figures and the same SVG charts. Nothing here
names a unit or a person next to an answer."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.export import xlsx_response
from core.pdf import pdf_response, render_pdf
from estates.access import staff_required

from .. import permissions as P
from ..charts import bar_chart
from ..comparisons import compare_estates, compare_with_previous
from ..models import FollowUp
from ..results import survey_results
from .common import get_survey

BUILDINGS_CHARTED = 20  # more buildings: the chart shows those with the lowest rates
PDF_BUILDING_COLUMNS = 3


def _building_bars(rows) -> tuple[list, bool]:
    if len(rows) <= BUILDINGS_CHARTED:
        return rows, False
    ranked = sorted(rows, key=lambda r: (r["rate"] is not None, r["rate"] or 0))
    return ranked[:BUILDINGS_CHARTED], True


def _charts(results) -> dict:
    target = results["survey"].target
    buildings, lowest = _building_bars(results["buildings"])
    return {
        "dimensions": bar_chart(
            [(row["label"], row["satisfied_pct"]) for row in results["dimensions"]],
            title=_("Satisfied by dimension (%)"),
            target=target,
            flag_below=target,
        ),
        "buildings": bar_chart(
            [(row["building"], row["rate"]) for row in buildings],
            title=_("Response rate by building"),
        ),
        "buildings_lowest": lowest,
        "options": {
            row["question"].pk: bar_chart(
                [(o["text"], o["pct"]) for o in row["options"]], title=row["question"].text
            )
            for row in results["questions"]
            if "options" in row
        },
    }


def results_context(request, survey) -> dict:
    results = survey_results(survey)
    charts = _charts(results)
    for row in results["questions"]:
        row["chart"] = charts["options"].get(row["question"].pk, "")
    return {
        "survey": survey,
        "results": results,
        "charts": charts,
        "previous": compare_with_previous(survey, results),
        "estates": compare_estates(request.user, P.VIEW, survey),
        "dimension_labels": [row["label"] for row in results["dimensions"]],
        "follow_ups": list(
            FollowUp.objects.filter(survey=survey).select_related("assignee").order_by("id")
        ),
    }


@staff_required
def survey_results_page(request, survey_pk):
    survey = get_survey(request, survey_pk, P.VIEW)
    return render(request, "surveys/staff/results.html", results_context(request, survey))


def _xlsx_rows(results):
    """One row per question (per option of a choice question): figures only, never who."""
    for row in results["questions"]:
        q = row["question"]
        head = [q.section.get_dimension_display(), q.text, q.get_kind_display(), row["answers"]]
        figures = [row.get("average"), row.get("satisfied_pct"), row.get("nps")]
        figures = [None if v is None else float(v) for v in figures]
        if "options" in row:
            for option in row["options"]:
                share = None if option["pct"] is None else float(option["pct"])
                yield [*head, *figures, option["text"], option["count"], share]
        else:
            yield [*head, *figures, None, None, None]


@staff_required
def survey_results_xlsx(request, survey_pk):
    survey = get_survey(request, survey_pk, P.VIEW)
    headers = [
        _("Dimension"),
        _("Question"),
        _("Type"),
        _("Answers"),
        _("Average"),
        _("Satisfied (%)"),
        _("NPS"),
        _("Option"),
        _("Chosen"),
        _("Chosen (%)"),
    ]
    rows = list(_xlsx_rows(survey_results(survey)))
    return xlsx_response(f"survey-{survey.pk}-results.xlsx", _("Results"), headers, rows)


@staff_required
def survey_results_pdf(request, survey_pk):
    survey = get_survey(request, survey_pk, P.VIEW)
    context = results_context(request, survey)
    context.update(
        title=_("Satisfaction survey results"),
        company_name=settings.ANJU_COMPANY_NAME,
        printed_at=timezone.now(),
    )
    rows = context["results"]["buildings"]
    # Many buildings: side by side in the PDF, a few to a line (one long column of 250
    # buildings would fill pages).
    context["building_lines"] = [
        rows[i : i + PDF_BUILDING_COLUMNS] for i in range(0, len(rows), PDF_BUILDING_COLUMNS)
    ]
    context["pdf"] = True
    pdf = render_pdf("pdf/survey_results.html", context, request=request)
    return pdf_response(pdf, f"survey-{survey.pk}-results.pdf")
