"""Formatting many datetimes with one Django date format, fast.

A list page prints a couple of datetimes per row; the ``date`` filter splits the format
string with a regex and builds a DateFormat for every value. `date_formatter(name)` reads
the format once (for the active language), splits it once, and formats each value from
its fields; the result is the same string as ``{{ value|date:name }}`` (translated parts
such as ``M`` - "Dec" - or ``P`` - "4:30 p.m." - are Django's, once per month or time).
"""

from datetime import datetime
from functools import lru_cache

from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language

# Format characters computed here from the value's fields (as django.utils.dateformat does).
_FAST = {
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "d": lambda d: f"{d.day:02d}",
    "j": lambda d: str(d.day),
    "H": lambda d: f"{d.hour:02d}",
    "G": lambda d: str(d.hour),
    "i": lambda d: f"{d.minute:02d}",
    "s": lambda d: f"{d.second:02d}",
}
# Characters that depend only on the hour and minute, or only on the month: Django's own
# (translated) output, once per time of day or month.
_TIME_OF_DAY = frozenset("aAfgGhHiP")
_MONTH = frozenset("bEFMN")


@lru_cache(maxsize=64)
def _compiled(format_string: str, language: str | None):
    """The format as a list of (is_char, text) pieces, as dateformat.Formatter splits it."""
    pieces = []
    for i, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if i % 2:
            pieces.append((True, piece))
        elif piece:
            pieces.append((False, dateformat.re_escaped.sub(r"\1", piece)))
    return tuple(pieces), {}  # the dict: outputs by (char, hour, minute) or (char, month)


def date_formatter(name: str = "SHORT_DATETIME_FORMAT"):
    """A function formatting an aware datetime (in the current time zone) or a date like
    ``{{ value|date:name }}`` in the active language; None gives ""."""
    language = get_language()
    pieces, by_time = _compiled(str(get_format(name)), language)

    def format_value(value) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        out = []
        django_format = None
        for is_char, text in pieces:
            if not is_char:
                out.append(text)
            elif text in _FAST:
                out.append(_FAST[text](value))
            elif (text in _TIME_OF_DAY and isinstance(value, datetime)) or text in _MONTH:
                key = (text, value.month) if text in _MONTH else (text, value.hour, value.minute)
                if key not in by_time:
                    by_time[key] = str(getattr(dateformat.DateFormat(value), text)())
                out.append(by_time[key])
            else:
                django_format = django_format or dateformat.DateFormat(value)
                out.append(str(getattr(django_format, text)()))
        return "".join(out)

    return format_value
