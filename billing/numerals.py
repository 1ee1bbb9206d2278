"""Amounts in capital Chinese numerals (大写金额), as written on receipts:
1234.56 → 壹仟贰佰叁拾肆元伍角陆分; 100.05 → 壹佰元零伍分; 1005 → 壹仟零伍元整."""

from decimal import Decimal

from core.money import money

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def _group(value: int) -> str:
    """1..9999 in capitals; zeros between digits become one 零."""
    text, zero = "", False
    for place in (3, 2, 1, 0):
        digit = value // 10**place % 10
        if digit == 0:
            zero = bool(text)
        else:
            if zero:
                text += "零"
                zero = False
            text += DIGITS[digit] + PLACES[place]
    return text


def _integer(value: int) -> str:
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (group < 1000 or gap):
            text += "零"
        text += _group(group) + GROUPS[index]
        gap = False
    return text


def amount_in_capitals(amount) -> str:
    amount = money(amount)
    if amount < 0:
        return "负" + amount_in_capitals(-amount)
    yuan = int(amount)
    cents = int((amount - Decimal(yuan)) * 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    text = _integer(yuan) + "元" if yuan else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    text += DIGITS[fen] + "分" if fen else "整"
    return text
