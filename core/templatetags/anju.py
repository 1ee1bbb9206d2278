from decimal import Decimal
from functools import lru_cache

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext_lazy

from core.audit import verb_label as _verb_label

register = template.Library()


@register.filter
def verb_label(verb):
    return _verb_label(verb)


@register.filter
def field_label(event, name):
    # get_for_id reads ContentType's own cache: no query per timeline line.
    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    try:
        return model._meta.get_field(name).verbose_name
    except (FieldDoesNotExist, AttributeError):
        return name


@register.filter
def changes_shown(event) -> list[tuple]:
    """(field label, old, new) of an event's changes; a choice shows its label in the
    reader's language (events store the value; older ones a label, shown as it is)."""
    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    rows = []
    for name, change in (event.changes or {}).items():
        old, new = (list(change) + [None, None])[:2] if isinstance(change, list) else (None, change)
        try:
            field = model._meta.get_field(name)
        except (FieldDoesNotExist, AttributeError):
            rows.append((name, old, new))
            continue
        if getattr(field, "choices", None) and not field.many_to_one:
            labels = _labels(model, name, get_language())
            old, new = (labels.get(v, v) if isinstance(v, str) else v for v in (old, new))
        rows.append((field.verbose_name, old, new))
    return rows


# Punctuation after a label or around a remark, in the reader's language: "Floors: 12",
# "层数：12". Templates use {% punct ":" %} instead of a bare ASCII mark after a translation.
PUNCTUATION = {
    ":": pgettext_lazy("punctuation", ": "),
    ",": pgettext_lazy("punctuation", ", "),
    "(": pgettext_lazy("punctuation", " ("),
    ")": pgettext_lazy("punctuation", ")"),
    ".": pgettext_lazy("punctuation", ". "),
    "list": pgettext_lazy("list separator", ", "),  # between items: 住宅、商铺
}


@register.simple_tag
def punct(mark: str) -> str:
    return str(PUNCTUATION[mark])


@lru_cache(maxsize=256)
def _labels(model, field_name: str, language: str) -> dict:
    return {key: str(label) for key, label in model._meta.get_field(field_name).flatchoices}


@register.filter
def choice(obj, field_name):
    """obj.get_<field>_display(), from a per-language cache: long lists call it for every
    row, and Django rebuilds the choices dict (with lazy labels) on each call."""
    value = getattr(obj, field_name)
    return _labels(type(obj), field_name, get_language()).get(value, value)


@register.simple_tag
def status_badge(obj, field="status"):
    """A coloured badge of a choice field. The colours are the model's own
    (`badge_colours = {field: {value: colour}}`): core knows no domain's statuses."""
    value = getattr(obj, field)
    label = choice(obj, field)
    colour = getattr(obj, "badge_colours", {}).get(field, {}).get(value, "info")
    return format_html(
        '<span class="badge text-bg-{} status-badge status-{}">{}</span>', colour, value, label
    )


@register.filter
def money(value):
    """¥1,234.50 in either language; Decimal only."""
    if value in (None, ""):
        return ""
    return "¥" + number_format(Decimal(value), decimal_pos=2, force_grouping=True)
