import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def is_cn_mobile(value: str) -> bool:
    """An 11-digit mainland number in a range allocated to mobile operators (libphonenumber's
    metadata: 138…, 199… yes; 100…, 140…, 160… no; landlines and other countries no)."""
    digits = normalize_mobile(value)
    if len(digits) != 11 or not digits.isdigit():
        return False
    number = phonenumbers.parse(digits, "CN")
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in MOBILE_TYPES


def validate_cn_mobile(value: str):
    if not is_cn_mobile(value):
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 1."),
            code="invalid_mobile",
        )


def validate_cn_id_number(value: str):
    """Resident identity card number: 18 characters with a valid check digit."""
    value = (value or "").strip().upper()
    if not re.match(r"^\d{17}[\dX]$", value):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits, then a digit or X."), code="invalid_id"
        )
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != value[-1]:
        raise ValidationError(_("This ID number's check digit is wrong."), code="invalid_id")


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def mask_phone(value: str) -> str:
    """138****1234 for a mobile; any other number keeps its first 3 and last 4 digits, and a
    short one only its last 2."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * (len(value) - 2) + value[-2:] if len(value) > 2 else "**"
    return f"{value[:3]}****{value[-4:]}"


def mask_id_number(value: str) -> str:
    """Only the last four characters are ever shown: pages, exports and PDFs."""
    if not value:
        return ""
    return "*" * (len(value) - 4) + value[-4:] if len(value) > 4 else "****"
