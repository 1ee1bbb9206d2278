"""Answers sent by the phone's offline queue (static/anju/inspections-offline.js): one
checkpoint of a round per request, each answer with the idempotency key made on the phone
and the time it was really taken. A replay records nothing twice; a round that changed
meanwhile (given to someone else, missed) is a conflict the phone shows, never silently
dropped. Always JSON: {"ok": true, "created": n} or {"ok": false, "error", "conflict"}."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from estates.access import get_scoped_or_404, staff_required
from estates.permissions import has_perm_somewhere

from .. import permissions as P
from .. import services
from ..choices import ScanMethod
from ..models import Checkpoint, Round


def _refused(message, *, conflict=False, status=200):
    return JsonResponse({"ok": False, "error": str(message), "conflict": conflict}, status=status)


def _parse(request):
    data = json.loads(request.POST["payload"])
    if not isinstance(data, dict):
        raise ValueError("payload")
    answers = []
    for a in data.get("answers") or []:
        key = str(a.get("key", ""))[:64]
        if not key:
            raise ValueError("key")
        item = int(a["item"])
        answers.append(
            services.AnswerData(
                item_id=item,
                value=str(a.get("value", ""))[:500],
                photo=request.FILES.get(f"photo_{item}"),
                idempotency_key=key,
            )
        )
    taken = parse_datetime(str(data.get("taken_at", ""))) if data.get("taken_at") else None
    method = data.get("method", ScanMethod.NONE)
    if method not in ScanMethod.values:
        method = ScanMethod.NONE
    return int(data["round"]), int(data["checkpoint"]), answers, taken, method, data


@staff_required
@require_POST
def answers_sync(request):
    if not has_perm_somewhere(request.user, P.DO_ROUNDS):
        raise PermissionDenied
    if "payload" not in request.POST:
        return _refused(_("Nothing was sent."))
    try:
        round_id, checkpoint_id, answers, taken, method, data = _parse(request)
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        return _refused(_("The phone sent something this page cannot read."))
    round_ = get_scoped_or_404(Round.objects, request.user, P.DO_ROUNDS, pk=round_id)
    checkpoint = get_scoped_or_404(Checkpoint.objects, request.user, P.DO_ROUNDS, pk=checkpoint_id)
    try:
        created, findings = services.checkpoint_record(
            round_id=round_.pk,
            checkpoint=checkpoint,
            actor=request.user,
            answers=answers,
            method=method,
            code=str(data.get("code", ""))[:64],
            taken_at=taken,
        )
    except services.RoundConflict as exc:
        return _refused(exc, conflict=True)
    except (DomainError, ValidationError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _refused(text)
    tickets = [f.ticket.number for f in findings if f.ticket_id]
    return JsonResponse({"ok": True, "created": len(created), "tickets": tickets})
