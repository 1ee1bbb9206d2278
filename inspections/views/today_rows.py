"""The inspector's today page as plain values: each round is a dict with what its card shows
already as text, from one ``.values()`` query (the round, its plan's name) and one query of
the routes (name and number of stops). No model instances, one reversed URL prefix instead
of reverse() per card, the two date formats read and split once per page, the status labels
once per language; and the cards written here, in one string (cards_html): fifty cards of
fourteen values were 700 template variables, most of the page's rendering time."""

from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import date_formatter
from estates.models import Estate

from ..choices import ROUND_STATUS_COLOURS, RoundStatus

# The columns a card needs (the estate's and the route's names come from their own rows).
TODAY_VALUES = ("id", "estate_id", "route_id", "status", "window_start", "window_end",
                "plan__name")  # fmt: skip
_ID = 987654321  # a round number no URL pattern mistakes for anything else


class TodayRow(dict):
    """A card of the today page: a dict (the template's fastest lookup), with `pk` also as an
    attribute like the round it stands for."""

    __slots__ = ()

    @property
    def pk(self):
        return self["pk"]


@lru_cache(maxsize=8)
def _status_labels(language: str | None) -> dict:
    return {value: str(label) for value, label in RoundStatus.choices}


def _detail_url():
    """A function giving a round's page from its id: one reverse() per page."""
    prefix, suffix = reverse("inspections:round_detail", kwargs={"round_pk": _ID}).split(str(_ID))
    return lambda pk: f"{prefix}{pk}{suffix}"


def estate_names(values, estates) -> dict:
    """{id: name} of the rows' estates: from those the request loaded already (the user's
    active estates), any other (a round given to someone outside their estates' scope, an
    inactive estate) in one query."""
    names = {estate.pk: estate.name for estate in estates}
    missing = {v["estate_id"] for v in values} - names.keys()
    if missing:
        names.update(Estate.objects.filter(pk__in=missing).values_list("pk", "name"))
    return names


def _progress(done: int, total: int) -> str:
    """{% widthratio done total|default:1 100 %}."""
    return str(round(done / (total or 1) * 100))


def today_rows(values, *, estates: dict, routes: dict, done: dict) -> list[TodayRow]:
    """TodayRows from dicts of TODAY_VALUES; `estates`: {id: name}, `routes`: {id: (name,
    stops)}, `done`: {round id: checkpoints completed}."""
    labels = _status_labels(get_language())
    url = _detail_url()
    opens, closes = date_formatter("H:i"), date_formatter("SHORT_DATETIME_FORMAT")
    progress_text = _("%(done)s of %(total)s checkpoints done")
    rows = []
    for v in values:
        status = v["status"]
        route_name, stops = routes.get(v["route_id"], ("", 0))
        done_count = done.get(v["id"], 0)
        rows.append(
            TodayRow(
                pk=v["id"],
                url=url(v["id"]),
                plan=v["plan__name"],
                estate=estates.get(v["estate_id"], ""),
                route=route_name,
                status=status,
                status_label=labels.get(status, status),
                badge=ROUND_STATUS_COLOURS.get(status, "info"),
                opens=opens(v["window_start"]),
                closes=closes(v["window_end"]),
                done_count=done_count,
                stop_count=stops,
                progress=_progress(done_count, stops),
                progress_text=progress_text % {"done": done_count, "total": stops},
            )
        )
    return rows


# One card of templates/inspections/today.html. Every value is escaped as the template
# would (html.escape, quotes included).
CARD_HTML = """
<article class="card mb-3" data-testid="today-round" data-round="{pk}">
  <a class="card-body p-3 text-decoration-none text-body d-block" href="{url}" data-offline-cache>
    <div class="d-flex justify-content-between align-items-start gap-2">
      <div>
        <div class="fw-semibold fs-5">{plan}</div>
        <div class="small text-muted">{estate} · {route}</div>
      </div>
      <span class="badge text-bg-{badge} status-badge status-{status}">{status_label}</span>
    </div>
    <div class="mt-2"><i class="bi bi-clock"></i> {opens} – {closes}</div>
    <div class="progress mt-2" role="progressbar" aria-label="{done_label}" \
aria-valuenow="{done_count}" aria-valuemin="0" aria-valuemax="{stop_count}">\
<div class="progress-bar" data-progress="{progress}"></div></div>
    <div class="small mt-1">{progress_text}</div>
  </a>
</article>
"""


def cards_html(rows) -> SafeString:
    """The <article> cards of the today page for `rows` (TodayRows), as one string."""
    done_label = escape(_("Checkpoints done"))
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            CARD_HTML.format(
                pk=row["pk"],
                url=escape(row["url"]),
                plan=escape(row["plan"]),
                estate=escape(row["estate"]),
                route=escape(row["route"]),
                badge=escape(row["badge"]),
                status=escape(row["status"]),
                status_label=escape(row["status_label"]),
                opens=escape(row["opens"]),
                closes=escape(row["closes"]),
                done_label=done_label,
                done_count=row["done_count"],
                stop_count=row["stop_count"],
                progress=row["progress"],
                progress_text=escape(row["progress_text"]),
            )
            for row in rows
        )
    )
