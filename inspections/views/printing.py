"""QR labels of checkpoints, one or a printable sheet of the filtered list (the same label
layout as the equipment register's). The code opens the checkpoint's scan page; the round
page's scanner reads the checkpoint code from it."""

from dataclasses import dataclass

import segno
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.listing import apply_filters
from estates.access import get_scoped_or_404, scoped_list, staff_required

from .. import permissions as P
from ..filters import CheckpointFilter
from ..models import Checkpoint

LABEL_SHEET_LIMIT = 200


@dataclass
class Label:
    estate_name: str
    code: str
    name: str
    rows: list
    hint: str
    target: str
    title: str

    @property
    def qr_svg(self) -> str:
        return segno.make(self.target, error="m", micro=False).svg_inline(
            scale=4, border=2, omitsize=True, title=self.title, svgclass="label-qr", lineclass=None
        )


def scan_target(request, checkpoint) -> str:
    return request.build_absolute_uri(
        reverse("inspections:checkpoint_scan", kwargs={"code": checkpoint.code})
    )


def label_of(request, checkpoint) -> Label:
    return Label(
        estate_name=checkpoint.estate.name,
        code=checkpoint.code,
        name=checkpoint.name,
        rows=[
            (_("Checkpoint"), checkpoint.name),
            (_("Place"), checkpoint.where or "—"),
        ],
        hint=_("Inspection checkpoint: scan this code on your round."),
        target=scan_target(request, checkpoint),
        title=str(checkpoint),
    )


@staff_required
def checkpoint_label(request, checkpoint_pk):
    checkpoint = get_scoped_or_404(
        Checkpoint.objects.select_related("estate", "equipment"),
        request.user,
        P.VIEW,
        pk=checkpoint_pk,
    )
    label = label_of(request, checkpoint)
    return render(
        request,
        "estates/qr_labels.html",
        {
            "title": _("QR label of %(name)s") % {"name": checkpoint.name},
            "labels": [label],
            "back_url": checkpoint.get_absolute_url(),
            "back_label": _("Back to the checkpoint"),
            "qr_target": label.target,
        },
    )


@staff_required
def checkpoint_labels(request):
    items = scoped_list(Checkpoint.objects, request, P.VIEW).select_related("estate", "equipment")
    _filterset, items = apply_filters(request, items, CheckpointFilter)
    chosen = list(items.order_by("estate__name", "name", "id")[: LABEL_SHEET_LIMIT + 1])
    too_many = 0
    if len(chosen) > LABEL_SHEET_LIMIT:
        too_many, chosen = items.count(), []
    query = request.GET.urlencode()
    return render(
        request,
        "estates/qr_labels.html",
        {
            "title": _("Checkpoint QR labels"),
            "labels": [label_of(request, c) for c in chosen],
            "too_many": too_many,
            "limit": LABEL_SHEET_LIMIT,
            "back_url": reverse("inspections:checkpoint_list") + (f"?{query}" if query else ""),
            "back_label": _("Back to the list"),
        },
    )
