"""People: a mobile number unique in the estate, an ID number unique everywhere."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef, Q

from core import texts

from ...models import Estate, Occupancy, Person
from ...validators import normalize_mobile, validate_cn_id_number
from ..cells import Checker, chunks, seen_before


def people_in_estate(estate: Estate):
    """People the estate's staff see: registered there, or living in one of its units."""
    lives_in = Occupancy.objects.filter(person=OuterRef("pk"), unit__estate_id=estate.pk)
    return Person.objects.filter(Q(registered_estate_id=estate.pk) | Exists(lives_in))


def check_people(checker: Checker, rows, estate: Estate):
    mobiles, id_numbers = set(), set()
    for _line, cells in checker.table.rows:
        mobiles.add(normalize_mobile(checker.table.value(cells, "mobile")))
        id_numbers.add(checker.table.value(cells, "id_number").strip().upper())
    mobiles.discard("")
    id_numbers.discard("")
    known_mobiles, known_ids = set(), set()
    scope = people_in_estate(estate)
    for chunk in chunks(sorted(mobiles)):
        known_mobiles.update(scope.filter(mobile__in=chunk).values_list("mobile", flat=True))
    for chunk in chunks(sorted(id_numbers)):
        known_ids.update(
            Person.objects.filter(id_number__in=chunk).values_list("id_number", flat=True)
        )
    max_name = Person._meta.get_field("name").max_length
    seen_mobiles: dict = {}
    seen_ids: dict = {}
    for line, cells in rows():
        checker.start(line, cells)
        name = checker.text("name", max_length=max_name, required=True)
        mobile = checker.mobile("mobile")
        email = checker.raw("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                checker.error("email", texts.gettext("Enter a valid e-mail address."))
        id_number = checker.raw("id_number").upper()
        if id_number:
            try:
                validate_cn_id_number(id_number)
            except ValidationError as exc:
                checker.error("id_number", texts.from_validation_error(exc))
                id_number = None
        note = checker.raw("note")
        if mobile and not seen_before(checker, seen_mobiles, mobile, "mobile"):
            if mobile in known_mobiles:
                checker.error(
                    "mobile",
                    texts.gettext(
                        "A person with this mobile number is already registered in %(estate)s.",
                        estate=estate,
                    ),
                )
        if id_number and not seen_before(checker, seen_ids, id_number, "id_number"):
            if id_number in known_ids:
                checker.error(
                    "id_number",
                    texts.gettext("A person with this ID number is already registered."),
                )
        if checker.row_ok:
            obj = Person(
                registered_estate=estate,
                name=name,
                mobile=mobile,
                email=email,
                id_number=id_number or "",
                note=note,
            )
            checker.model_fields(obj, {k: k for k in ("name", "mobile", "email", "id_number")})
            if checker.row_ok:
                yield obj
