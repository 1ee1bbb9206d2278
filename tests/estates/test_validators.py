"""Mainland China mobile numbers and resident ID numbers: normalising, checking, masking."""

import pytest
from django.core.exceptions import ValidationError

from estates.validators import (
    id_check_digit,
    mask_id_number,
    normalize_mobile,
    validate_cn_id_number,
    validate_cn_mobile,
)

# The specimen number printed in GB 11643-1999; its check digit is X.
VALID_ID = "11010519491231002X"
WRONG_CHECK_DIGIT_ID = "110105194912310021"


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+8613800138000",
        "+86 138 0013 8000",
        "0086 138-0013-8000",
        " 138 0013 8000 ",
        "138-0013-8000",
    ],
)
def test_normalize_mobile_strips_country_code_spaces_and_dashes(raw):
    assert normalize_mobile(raw) == "13800138000"


def test_normalize_mobile_of_nothing_is_empty():
    assert normalize_mobile(None) == ""


@pytest.mark.parametrize(
    "value",
    ["13800138000", "+86 199 1234 5678", "0086-150-0000-0000", "16212345678", "14512345678"],
)
def test_valid_mobile_numbers_pass(value):
    validate_cn_mobile(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "12800138000",  # second digit must be 3-9
        "23800138000",  # must start with 1
        "1380013800a",
        "+1 415 555 0100",
        "0571-88888888",  # a landline
        "14012345678",  # 140: not a range given to mobile phones
        "16012345678",  # 160: not allocated
        "10012345678",
    ],
)
def test_invalid_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_cn_mobile(value)
    assert exc.value.code == "invalid_mobile"


def test_known_valid_id_number_passes():
    validate_cn_id_number(VALID_ID)


def test_lower_case_x_check_digit_is_accepted():
    validate_cn_id_number(VALID_ID.lower())


def test_id_number_with_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_cn_id_number(WRONG_CHECK_DIGIT_ID)
    assert exc.value.code == "invalid_id"
    assert "check digit" in str(exc.value.messages[0])


@pytest.mark.parametrize(
    "value", ["", "11010519491231002", "11010519491231002XX", "1101051949123100AX"]
)
def test_id_number_of_wrong_shape_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_cn_id_number(value)
    assert exc.value.code == "invalid_id"


def test_id_check_digit_computes_the_iso_7064_digit():
    assert id_check_digit(VALID_ID[:17]) == "X"
    assert id_check_digit("44052418800101001") == "4"


def test_mask_id_number_shows_only_the_last_four_characters():
    assert mask_id_number(VALID_ID) == "*" * 14 + "002X"


@pytest.mark.parametrize("value, masked", [("", ""), (None, ""), ("1234", "****"), ("12", "****")])
def test_mask_id_number_of_short_values_reveals_nothing(value, masked):
    assert mask_id_number(value) == masked
