"""Stored text: messages kept as keys and parameters, rendered in the reader's language.

Anything written now and read later (notifications, import errors, timeline notes) must not
be stored already translated: the person who triggers it and the person who reads it may
use different languages. Store a Message instead, and render it when it is read:

    from core import texts
    title = texts.gettext("Import finished: %(file)s", file=batch.original_name)
    body = texts.ngettext("%(count)d row imported.", "%(count)d rows imported.", n)
    label = texts.pgettext("unit", "Number %(number)s", number=unit.number)

The three builders are named like Django's so that makemessages finds their msgids without
extra keywords; call them through the module (`texts.gettext`) so that they are not
mistaken for the immediate ones. A parameter may be plain user data (kept as is), another
Message, a choice (`texts.choice(UnitKind, unit.kind)` or a TextChoices member: its label
is rendered), a date or a datetime (rendered in the reader's format and time zone).

A Message behaves like a lazy translation string: `str(message)` (and templates, f-strings,
`==` with a str, `in`, str methods) render it in the active language. `message.data` is the
JSON-serialisable form; `Message.from_data` reads it back. Text typed by a user is stored as
a literal (`Message.literal(text)`, or any plain str passed where a message is expected).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.module_loading import import_string


class Message:
    """A translatable text with its parameters; see the module docstring."""

    __slots__ = ("msgid", "plural", "context", "params", "text")

    def __init__(self, msgid="", params=None, *, plural="", context="", text=None):
        self.msgid, self.plural, self.context = msgid, plural, context
        self.params = {key: _param_data(value) for key, value in (params or {}).items()}
        self.text = text  # set for a literal: shown as is, whatever the language

    @classmethod
    def literal(cls, text) -> Message:
        return cls(text="" if text is None else str(text))

    @classmethod
    def from_data(cls, data) -> Message:
        """Back from `data` (a dict, or a str for a literal)."""
        if isinstance(data, Message):
            return data
        if not isinstance(data, dict):
            return cls.literal(data)
        if "text" in data:
            return cls.literal(data["text"])
        message = cls(data.get("msgid", ""), plural=data.get("plural", ""))
        message.context = data.get("context", "")
        message.params = dict(data.get("params") or {})
        return message

    def with_params(self, **params) -> Message:
        """A copy with more parameters."""
        copy = Message.from_data(self.data)
        copy.params.update({key: _param_data(value) for key, value in params.items()})
        return copy

    @property
    def data(self) -> dict:
        if self.text is not None:
            return {"text": self.text}
        data = {"msgid": self.msgid}
        if self.plural:
            data["plural"] = self.plural
        if self.context:
            data["context"] = self.context
        if self.params:
            data["params"] = self.params
        return data

    def render(self) -> str:
        """The text in the active language."""
        if self.text is not None:
            return self.text
        params = {key: _render_param(value) for key, value in self.params.items()}
        if self.plural:
            count = params.get("count", 1)
            if self.context:
                text = translation.npgettext(self.context, self.msgid, self.plural, count)
            else:
                text = translation.ngettext(self.msgid, self.plural, count)
        elif self.context:
            text = translation.pgettext(self.context, self.msgid)
        else:
            text = translation.gettext(self.msgid)
        if not params:
            return text
        try:
            return text % params
        except (KeyError, TypeError, ValueError):
            pass
        # A translation that does not fit its parameters: the msgid, else the bare text.
        source = self.plural if self.plural and params.get("count") != 1 else self.msgid
        try:
            return source % params
        except (KeyError, TypeError, ValueError):
            return text

    # -- behave like a lazy string where text is expected
    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.data!r})"

    def __format__(self, spec) -> str:
        return format(self.render(), spec)

    def __eq__(self, other):
        if isinstance(other, Message):
            return self.data == other.data
        if isinstance(other, str | Promise):
            return self.render() == str(other)
        return NotImplemented

    def __hash__(self):
        return hash(json.dumps(self.data, sort_keys=True, ensure_ascii=False))

    def __bool__(self) -> bool:
        return bool(self.msgid) if self.text is None else bool(self.text)

    def __len__(self) -> int:
        return len(self.render())

    def __contains__(self, part) -> bool:
        return str(part) in self.render()

    def __add__(self, other) -> str:
        return self.render() + str(other)

    def __radd__(self, other) -> str:
        return str(other) + self.render()

    def __getattr__(self, name):
        # str methods (startswith, splitlines …) on the rendered text, as a lazy string has.
        if not name.startswith("_") and hasattr(str, name):
            return getattr(self.render(), name)
        raise AttributeError(name)


def gettext(msgid: str, /, **params) -> Message:
    return Message(msgid, params)


def ngettext(singular: str, plural: str, count: int, /, **params) -> Message:
    """A message with a plural form; `count` is also the parameter %(count)d."""
    return Message(singular, {"count": count, **params}, plural=plural)


def pgettext(context: str, msgid: str, /, **params) -> Message:
    return Message(msgid, params, context=context)


def compose(pattern: str, /, **params) -> Message:
    """A pattern that needs no translation ("%(unit)s · %(role)s") with parameters that
    may: makemessages does not collect it, gettext returns it unchanged."""
    return Message(pattern, params)


def choice(choices: type[models.Choices], value) -> dict:
    """A parameter rendered as the label of `value` in `choices`, in the reader's language."""
    return {"choice": f"{choices.__module__}.{choices.__qualname__}", "value": value}


def choice_list(choices: type[models.Choices]) -> dict:
    """A parameter rendered as all the labels of `choices`, in the reader's language."""
    return {"choice_list": f"{choices.__module__}.{choices.__qualname__}"}


def joined(messages: list[Message]) -> Message:
    """Several messages shown as one, separated by spaces."""
    if len(messages) == 1:
        return messages[0]
    return Message(
        " ".join(f"%(part{i})s" for i in range(len(messages))),
        {f"part{i}": message for i, message in enumerate(messages)},
    )


def from_validation_error(error) -> Message:
    """The messages of a ValidationError (a validator's, a model field's), kept as keys."""
    if hasattr(error, "error_dict"):
        errors = [e for field_errors in error.error_dict.values() for e in field_errors]
    else:
        errors = error.error_list
    return joined([_from_one_error(e) for e in errors])


def _from_one_error(error) -> Message:
    message, params = error.message, error.params or {}
    if isinstance(message, Promise):
        try:
            msgid = msgid_of(message)
        except (TypeError, ValueError, KeyError):
            msgid = ""
        if msgid:  # (empty for a lazy plural: then the text as it reads now)
            return Message(msgid, params)
    return Message.literal(str(message % params if params else message))


def as_message(value) -> Message:
    """Whatever callers hand over as a text, as a Message: a Message as is; a lazy
    translation (gettext_lazy) by its msgid, so that it renders in the reader's language;
    anything else (a str typed by a user, or a text already rendered) as a literal."""
    if isinstance(value, Message):
        return value
    if isinstance(value, Promise):
        return Message(msgid_of(value))
    if isinstance(value, dict):
        return Message.from_data(value)
    return Message.literal(value)


def msgid_of(lazy_text: Promise) -> str:
    """The msgid behind a lazy translation: rendered with no language active, gettext
    returns its msgid unchanged."""
    with translation.override(None):
        return str(lazy_text)


# --- parameters --------------------------------------------------------------------------------


def _param_data(value):
    """A parameter in its stored (JSON) form."""
    if isinstance(value, models.Choices):  # a member (also a str): its label, when read
        return choice(type(value), value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Message):
        return {"message": value.data}
    if isinstance(value, Promise):
        return {"message": {"msgid": msgid_of(value)}}
    if isinstance(value, dict) and value.keys() & {"choice", "choice_list", "message"}:
        return value
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return str(value)
    return str(value)  # user data such as a model instance: its text as it is now


def _render_param(value):
    if not isinstance(value, dict):
        return value
    if "message" in value:
        return Message.from_data(value["message"]).render()
    if "choice_list" in value:
        try:
            labels = [str(label) for label in import_string(value["choice_list"]).labels]
        except ImportError:
            return ""
        return translation.pgettext("list separator", ", ").join(labels)
    if "choice" in value:
        try:
            return str(import_string(value["choice"])(value["value"]).label)
        except (ImportError, ValueError):
            return value["value"]
    if "datetime" in value:
        moment = parse_datetime(value["datetime"])
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    if "date" in value:
        return formats.date_format(parse_date(value["date"]), "DATE_FORMAT")
    return str(value)


# --- a model field -------------------------------------------------------------------------------


class MessageField(models.TextField):
    """A Message stored as JSON text (a TextField, so `__contains` still finds the words
    and parameters in it). Plain text read back, as stored before messages, is a literal."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else _load(value)

    def to_python(self, value):
        if value is None or isinstance(value, Message):
            return value
        return _load(value) if isinstance(value, str) else as_message(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        return json.dumps(as_message(value).data, ensure_ascii=False, cls=_Encoder)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))


def _load(value: str) -> Message:
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except ValueError:
            data = None
        if isinstance(data, dict) and ("text" in data or "msgid" in data):
            return Message.from_data(data)
    return Message.literal(value)


class _Encoder(json.JSONEncoder):
    def default(self, o):
        return _param_data(o)
