"""Recording a checkpoint of a round: how it was reached (scanned, typed), the answers of
its items (each with the phone's idempotency key and the time it was really taken), the
photos, and the findings abnormal answers open or passing answers close."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import texts
from core.attachments import store_upload
from core.audit import record_event
from core.errors import DomainError
from estates.permissions import require

from .. import permissions as P
from ..choices import PROOF_METHODS, WORKABLE, FindingStatus, ItemKind, RoundStatus, ScanMethod
from ..models import Answer, AnswerPhoto, CheckpointVisit, Finding, Round
from ..transitions import is_doer
from .findings import finding_for_answer

# A phone clock a little ahead is fine; an answer "taken" far in the future is not.
CLOCK_SKEW = timezone.timedelta(minutes=10)


class RoundConflict(DomainError):
    """The round changed while the answers were on their way (given to someone else,
    missed): nothing was recorded, and the inspector is told why."""


@dataclass
class AnswerData:
    item_id: int
    value: str = ""
    photo: object = None  # an upload
    idempotency_key: str = ""


def _decimal(value, label):
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(item)s: enter a number.") % {"item": label}) from None
    if not number.is_finite():
        raise ValidationError(_("%(item)s: enter a number.") % {"item": label})
    return number


def _out_of_range(item, number) -> bool:
    return (item.min_value is not None and number < item.min_value) or (
        item.max_value is not None and number > item.max_value
    )


def evaluate(item, value: str, *, has_photo=False, last_reading=None):
    """(value, number, abnormal) of an answer to `item`, or a ValidationError."""
    value = (value or "").strip()
    if not value and item.kind != ItemKind.PHOTO:
        if item.required:
            raise ValidationError(_("%(item)s: an answer is required.") % {"item": item.label})
        return "", None, False
    kind = item.kind
    if kind == ItemKind.OK_ABNORMAL:
        if value not in ("ok", "abnormal"):
            raise ValidationError(_("%(item)s: OK or abnormal?") % {"item": item.label})
        return value, None, value == "abnormal"
    if kind in (ItemKind.NUMBER, ItemKind.METER):
        number = _decimal(value, item.label)
        if kind == ItemKind.METER and last_reading is not None and number < last_reading:
            raise ValidationError(
                _("%(item)s: a meter does not go down (last reading %(last)s).")
                % {"item": item.label, "last": last_reading.normalize()}
            )
        return f"{number.normalize():f}", number, _out_of_range(item, number)
    if kind == ItemKind.CHOICE:
        if value not in item.choices:
            raise ValidationError(_("%(item)s: choose one of the options.") % {"item": item.label})
        return value, None, value in item.abnormal_choices
    if kind == ItemKind.PHOTO:
        if not has_photo and item.required:
            raise ValidationError(_("%(item)s: a photo is required.") % {"item": item.label})
        return "", None, False
    return value[:500], None, False


def _last_reading(item, round_):
    return (
        Answer.objects.filter(item=item, number__isnull=False)
        .exclude(round=round_)
        .order_by("-taken_at", "-id")
        .values_list("number", flat=True)
        .first()
    )


def _lock_round(round_id, actor):
    round_ = (
        Round.objects.for_user(actor)
        .select_for_update()
        .select_related("estate", "route", "plan")
        .get(pk=round_id)
    )
    require(actor, P.DO_ROUNDS, round_.estate)
    if round_.status not in WORKABLE:
        raise RoundConflict(
            _("This round is “%(status)s”: nothing more can be recorded on it.")
            % {"status": round_.get_status_display()}
        )
    if not is_doer(actor, round_):
        if round_.assignee_id is not None:
            raise RoundConflict(
                _("This round was given to %(name)s meanwhile: your answers were not recorded.")
                % {"name": round_.assignee}
            )
        raise PermissionDenied
    return round_


def _check_reach(round_, checkpoint, *, method, code):
    """The checkpoint is on the route, in order if the route says so, and scanned where
    proof by scan is required."""
    stops = list(round_.route.stops.order_by("position").values_list("checkpoint_id", flat=True))
    if checkpoint.pk not in stops:
        raise DomainError(_("This checkpoint is not on the round's route."))
    if round_.route.enforce_order:
        done = set(round_.visits.filter(completed=True).values_list("checkpoint_id", flat=True))
        before = stops[: stops.index(checkpoint.pk)]
        if any(pk not in done for pk in before):
            raise DomainError(_("This route is walked in order: do the earlier checkpoints first."))
    if checkpoint.require_scan:
        proof = code and (
            code == checkpoint.code or (checkpoint.nfc_tag and code == checkpoint.nfc_tag)
        )
        if method not in PROOF_METHODS or not proof:
            raise DomainError(
                _("%(checkpoint)s needs proof: scan its QR code (or NFC tag) there.")
                % {"checkpoint": checkpoint.name}
            )
    elif code and code != checkpoint.code and code != checkpoint.nfc_tag:
        raise DomainError(_("That code is not this checkpoint's."))


def _taken_at(value, now):
    if value is None:
        return now
    if value > now + CLOCK_SKEW:
        raise ValidationError(_("The phone's clock is ahead: check its date and time."))
    return value


def checkpoint_record(
    *,
    round_id,
    checkpoint,
    actor,
    answers: list[AnswerData],
    method: str = ScanMethod.NONE,
    code: str = "",
    taken_at=None,
):
    """Record one checkpoint of a round. Returns (answers created, findings touched).
    Answers whose idempotency key was recorded before are skipped (a replay records
    nothing twice); a checkpoint already recorded on this round is refused."""
    now = timezone.now()
    keys = [a.idempotency_key for a in answers if a.idempotency_key]
    with transaction.atomic():
        round_ = _lock_round(round_id, actor)
        if keys and Answer.objects.filter(idempotency_key__in=keys).count() == len(answers):
            return [], []  # the same answers again: already recorded
        taken = _taken_at(taken_at, now)
        visit = round_.visits.filter(checkpoint=checkpoint).first()
        if visit is not None and visit.completed:
            raise DomainError(
                _("%(checkpoint)s is already recorded on this round.")
                % {"checkpoint": checkpoint.name}
            )
        _check_reach(round_, checkpoint, method=method, code=code)
        items = {item.pk: item for item in checkpoint.items.all()}
        given = {a.item_id: a for a in answers}
        errors, rows = [], []
        for item in items.values():
            data = given.get(item.pk) or AnswerData(item_id=item.pk)
            try:
                value, number, abnormal = evaluate(
                    item,
                    data.value,
                    has_photo=data.photo is not None,
                    last_reading=_last_reading(item, round_)
                    if item.kind == ItemKind.METER
                    else None,
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            rows.append((item, data, value, number, abnormal))
        if errors:
            raise ValidationError(errors)
        if round_.status == RoundStatus.SCHEDULED:
            _start(round_, actor, now)
        if visit is None:
            visit = CheckpointVisit(round=round_, checkpoint=checkpoint)
        visit.method, visit.by, visit.taken_at, visit.completed = method, actor, taken, True
        visit.save()
        # The checkpoint's answers in one INSERT; the items with an open finding in one query:
        # an answer that passes, of an item without one, has no finding to open or close.
        created = Answer.objects.bulk_create(
            Answer(
                round=round_,
                checkpoint=checkpoint,
                item=item,
                value=value,
                number=number,
                abnormal=abnormal,
                taken_at=taken,
                by=actor,
                idempotency_key=data.idempotency_key or _new_key(),
            )
            for item, data, value, number, abnormal in rows
        )
        with_open_finding = set(
            Finding.objects.filter(item_id__in=list(items), status=FindingStatus.OPEN).values_list(
                "item_id", flat=True
            )
        )
        findings = []
        for answer, (_item, data, *_rest) in zip(created, rows, strict=True):
            if data.photo is not None:
                store_upload(AnswerPhoto, data.photo, answer=answer, uploaded_by=actor)
            if not answer.abnormal and answer.item_id not in with_open_finding:
                continue
            finding = finding_for_answer(answer=answer, round_=round_, actor=actor)
            if finding is not None:
                findings.append(finding)
        # The note reads in each reader's language: "B1 pump room · QR code scanned".
        note = texts.compose(
            "%(checkpoint)s · %(how)s",
            checkpoint=checkpoint.name,
            how=texts.choice(ScanMethod, method),
        )
        record_event(round_, actor=actor, verb="checkpoint_recorded", note=note)
    return created, findings


def _new_key() -> str:
    import uuid

    return uuid.uuid4().hex


def _start(round_, actor, now):
    round_.status = RoundStatus.IN_PROGRESS
    round_.started_at = now
    if round_.assignee_id is None:
        round_.assignee = actor
    round_.save(update_fields=["status", "started_at", "assignee", "updated_at"])
    record_event(
        round_,
        actor=actor,
        verb="round_started",
        changes={"status": [RoundStatus.SCHEDULED.value, RoundStatus.IN_PROGRESS.value]},
    )
