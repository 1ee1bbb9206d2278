"""The files billing reads: bank statements (银行流水) and cost records. They use the
import machinery of estates (file type by content, header aliases in Chinese and English,
every bad row with its line number); their columns are registered here under their own
kinds."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from core import texts
from estates.imports import parsing
from estates.imports.cells import Checker, choice_lookup, seen_before, word_key
from estates.imports.parsing import Column

from .models.bank import BankLine
from .models.costs import CostGroup, CostRecord

BANK, COSTS = "bank_statement", "costs"

parsing.COLUMNS[BANK] = (
    Column("booked_on", "date", "交易日期", _("Date"), required=True,
           aliases=("日期", "记账日期", "交易时间", "入账日期", "booked_on", "transaction_date"),
           example="2026-03-05", text=True),
    Column("amount", "amount", "金额", _("Amount"), required=True,
           aliases=("交易金额", "贷方金额", "收入金额", "收入", "credit", "入账金额"),
           example=560.0),
    Column("payer_name", "payer_name", "对方户名", _("Payer"),
           aliases=("付款人", "付款方", "对方名称", "付款人名称", "payer"), example="张伟"),
    Column("payer_account", "payer_account", "对方账号", _("Payer account"),
           aliases=("付款账号", "对方账户", "付款人账号", "account"),
           example="6222020200001234567", text=True),
    Column("memo", "reference", "摘要", _("Reference / memo"),
           aliases=("memo", "附言", "用途", "备注", "交易摘要", "reference_memo"),
           example="3栋-1-1201 物业费"),
    Column("txn_id", "bank_transaction_id", "流水号", _("Bank transaction id"), required=True,
           aliases=("交易流水号", "银行流水号", "transaction_id", "txn_id", "交易号", "凭证号"),
           example="20260305000123", text=True),
)  # fmt: skip

parsing.COLUMNS[COSTS] = (
    Column("period", "month", "月份", _("Month"), required=True,
           aliases=("period", "期间", "所属月份", "会计期间"), example="2026-03", text=True),
    Column("group", "group", "成本类别", _("Cost group"), required=True,
           aliases=("类别", "成本分类", "cost_group", "分类"), example="人力成本"),
    Column("subcategory", "subcategory", "明细科目", _("Sub-category"), required=True,
           aliases=("科目", "子类", "明细", "sub_category", "item"), example="保安工资"),
    Column("amount", "amount", "金额", _("Amount"), required=True,
           aliases=("金额(元)", "成本金额"), example=12000.0),
    Column("note", "note", "备注", _("Note"), aliases=("notes", "remark", "说明")),
)  # fmt: skip

GROUP_WORDS = {
    "人力成本": CostGroup.LABOUR, "物料成本": CostGroup.MATERIAL,
    "运营成本": CostGroup.OPERATING, "风险成本": CostGroup.RISK,
    "人力": CostGroup.LABOUR, "人工": CostGroup.LABOUR, "人工成本": CostGroup.LABOUR,
    "labor": CostGroup.LABOUR, "labour": CostGroup.LABOUR,
    "物料": CostGroup.MATERIAL, "材料": CostGroup.MATERIAL, "材料成本": CostGroup.MATERIAL,
    "运营": CostGroup.OPERATING, "运行成本": CostGroup.OPERATING, "operations": CostGroup.OPERATING,
    "风险": CostGroup.RISK, "保险": CostGroup.RISK,
}  # fmt: skip

PERIOD_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(?:\d{1,2}日?)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def parse_period(value: str) -> str | None:
    value = unicodedata.normalize("NFKC", value).strip().split(" ", 1)[0]
    for pattern in PERIOD_PATTERNS:
        match = pattern.match(value)
        if match and 1 <= int(match[2]) <= 12:
            return f"{int(match[1]):04d}-{int(match[2]):02d}"
    return None


@dataclass
class Checked:
    rows: list = field(default_factory=list)  # unsaved objects, only if there is no error
    errors: list[dict] = field(default_factory=list)

    @property
    def error_rows(self):
        return [{**e, "message": texts.as_message(e["message"])} for e in self.errors]


def _amount(checker: Checker, key: str):
    raw = checker.raw(key)
    cleaned = re.sub(r"[¥￥,\s]|元$", "", unicodedata.normalize("NFKC", raw))
    checker.cells = list(checker.cells)
    index = checker.table.columns.get(key)
    if index is not None and index < len(checker.cells):
        checker.cells[index] = cleaned
    amount = checker.decimal(key, required=True, max_digits=14, places=2)
    if amount is not None and amount <= 0:
        checker.error(key, texts.gettext("The amount must be more than zero."))
        return None
    return amount


def _check(upload, kind, rows_of) -> Checked:
    """Read the file (ValidationError for a file that is not CSV/XLSX) and check each row."""
    table = parsing.read_table(upload, kind)
    checker = Checker(table, None)
    if table.errors:
        return Checked(errors=checker.errors)
    objects = list(rows_of(checker, table.rows))
    errors = sorted(checker.errors, key=lambda e: e["line"] or 0)
    return Checked(rows=[] if errors else objects, errors=errors)


def check_bank_statement(upload, *, estate) -> Checked:
    """The lines of a bank statement, unsaved, or every bad row."""

    def rows_of(checker, rows):
        seen: dict = {}
        for line, cells in rows:
            checker.start(line, cells)
            booked_on = checker.date("booked_on", required=True)
            amount = _amount(checker, "amount")
            payer_name = checker.text("payer_name", max_length=100)
            payer_account = checker.text("payer_account", max_length=50)
            memo = checker.text("memo", max_length=200)
            txn_id = checker.text("txn_id", max_length=64, required=True)
            if txn_id:
                seen_before(checker, seen, txn_id, "txn_id")
            if checker.row_ok:
                yield BankLine(
                    estate=estate, line_number=line, booked_on=booked_on, amount=amount,
                    payer_name=payer_name, payer_account=payer_account, memo=memo, txn_id=txn_id,
                )  # fmt: skip

    return _check(upload, BANK, rows_of)


def check_costs(upload, *, estate, actor) -> Checked:
    """Cost records of `estate`, unsaved, or every bad row."""
    words = choice_lookup(CostGroup)
    for word, code in GROUP_WORDS.items():
        words.setdefault(word_key(word), code)

    def rows_of(checker, rows):
        for line, cells in rows:
            checker.start(line, cells)
            raw_period = checker.raw("period")
            period = parse_period(raw_period) if raw_period else None
            if period is None:
                checker.error(
                    "period",
                    texts.gettext("Enter a month such as 2026-03, not “%(value)s”.",
                                  value=raw_period),
                )  # fmt: skip
            group = checker.choice("group", words, choices=CostGroup)
            subcategory = checker.text("subcategory", max_length=60, required=True)
            amount = checker.decimal("amount", required=True, max_digits=14, places=2)
            note = checker.text("note", max_length=200)
            if checker.row_ok:
                yield CostRecord(
                    estate=estate, period=period, group=group, subcategory=subcategory,
                    amount=amount, note=note, created_by=actor,
                )  # fmt: skip

    return _check(upload, COSTS, rows_of)
