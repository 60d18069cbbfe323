"""The standard chart: every line of the four statements (様式第1号〜第4号).

The chart is data (``data/chart.csv``), loaded into immutable :class:`Line` values.
Leaf lines are the 勘定科目 a journal may post to; ``sub`` rows are 補助科目 beneath a
leaf (the standard chart ships one: 現金預金/歳計外現金). Sum and formula lines are
computed when a statement is built; ``computed`` lines (NW rows, CF balances) are built by
their statement's own code, found through their ``role``.

Accounts are referred to by code, by a name unique in the chart, or by the
statement-qualified path (``BS/固定資産/有形固定資産/インフラ資産/土地``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

STATEMENTS = ("BS", "PL", "NW", "CF")
STATEMENT_NAMES = {
    "BS": "貸借対照表",
    "PL": "行政コスト計算書",
    "NW": "純資産変動計算書",
    "CF": "資金収支計算書",
}
FORM_NUMBERS = {"BS": "様式第1号", "PL": "様式第2号", "NW": "様式第3号", "CF": "様式第4号"}

# Fixed-asset groups (固定資産等形成分): T = 有形・無形固定資産, F = 貸付金・基金等.
FA_TANGIBLE = "T"
FA_FINANCIAL = "F"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a statement, or a 補助科目 beneath a leaf line."""

    code: str
    statement: str
    name: str
    parent: str  # code of the parent line ('' for a top line)
    level: int
    kind: str  # leaf | sub | sum | formula | computed
    side: str  # D or C: the side on which a positive printed amount lives
    fa_group: str = ""  # T, F or ''
    contra: bool = False
    roles: tuple[str, ...] = ()
    consolidated_only: bool = False
    formula: tuple[tuple[int, str], ...] = ()  # ((+1|-1, code), ...)
    cf_section: str = ""
    path: str = ""  # chain of names from the top line, joined by '/'

    @property
    def postable(self) -> bool:
        return self.kind in ("leaf", "sub")

    @property
    def qualified_path(self) -> str:
        return f"{self.statement}/{self.path}"

    @property
    def sign(self) -> int:
        """+1 if a debit raises the printed amount, -1 if a credit does."""
        return 1 if self.side == "D" else -1


class ChartError(ValueError):
    pass


@dataclass(frozen=True)
class Chart:
    """The lines of all four statements, in 様式 order, with lookups."""

    lines: tuple[Line, ...]

    def __post_init__(self) -> None:
        by_code = {ln.code: ln for ln in self.lines}
        if len(by_code) != len(self.lines):
            raise ChartError("科目コードが重複しています")
        object.__setattr__(self, "_by_code", by_code)
        names: dict[str, list[Line]] = {}
        paths: dict[str, Line] = {}
        for ln in self.lines:
            names.setdefault(ln.name, []).append(ln)
            paths[ln.qualified_path] = ln
        object.__setattr__(self, "_by_name", names)
        object.__setattr__(self, "_by_path", paths)
        children: dict[str, list[Line]] = {}
        for ln in self.lines:
            if ln.parent:
                children.setdefault(ln.parent, []).append(ln)
        object.__setattr__(self, "_children", children)

    def __getitem__(self, code: str) -> Line:
        return self._by_code[code]  # type: ignore[attr-defined]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code  # type: ignore[attr-defined]

    def statement(self, stmt: str) -> list[Line]:
        """Printed lines of one statement in order (補助科目 excluded)."""
        return [ln for ln in self.lines if ln.statement == stmt and ln.kind != "sub"]

    def children(self, code: str) -> list[Line]:
        return self._children.get(code, [])  # type: ignore[attr-defined]

    def with_role(self, role: str) -> list[Line]:
        return [ln for ln in self.lines if role in ln.roles]

    def one(self, role: str) -> Line:
        found = self.with_role(role)
        if len(found) != 1:
            raise ChartError(f"役割 {role} の科目が {len(found)} 件あります")
        return found[0]

    def statement_line(self, code: str) -> Line:
        """The printed line an account rolls up into (a 補助科目's leaf)."""
        ln = self[code]
        return self[ln.parent] if ln.kind == "sub" else ln

    def resolve(self, ref: str) -> Line:
        """Find an account by code, qualified path, or unique name.

        Raises ChartError with a Japanese message that says how to fix the reference.
        """
        ref = ref.strip()
        if not ref:
            raise ChartError("科目が空欄です")
        if ref in self:
            return self[ref]
        if "/" in ref:
            ln = self._by_path.get(ref)  # type: ignore[attr-defined]
            if ln is None:
                raise ChartError(f"科目パス「{ref}」は勘定科目表にありません")
            return ln
        found = self._by_name.get(ref, [])  # type: ignore[attr-defined]
        if not found:
            raise ChartError(f"科目「{ref}」は勘定科目表にありません")
        if len(found) > 1:
            example = found[0].qualified_path
            raise ChartError(
                f"科目名「{ref}」は勘定科目表に{len(found)}件あります。"
                f"パス（例: {example}）かコードで指定してください"
            )
        return found[0]

    def extended(self, extra: Iterable[Line]) -> Chart:
        """A chart with a 団体's 補助科目 added beneath their leaves."""
        extra = list(extra)
        if not extra:
            return self
        lines = list(self.lines)
        for sub in extra:
            parent = self[sub.parent]
            if parent.kind != "leaf":
                raise ChartError(f"補助科目「{sub.name}」の親「{parent.name}」は勘定科目ではありません")
            idx = max(i for i, ln in enumerate(lines) if ln.code == parent.code or ln.parent == parent.code)
            lines.insert(idx + 1, sub)
        return Chart(tuple(_with_paths(lines)))


def sub_account(*, code: str, name: str, parent: Line) -> Line:
    """A 団体's own 補助科目 beneath a leaf line."""
    return Line(
        code=code,
        statement=parent.statement,
        name=name,
        parent=parent.code,
        level=parent.level + 1,
        kind="sub",
        side=parent.side,
        fa_group=parent.fa_group,
        contra=parent.contra,
        path=f"{parent.path}/{name}",
    )


def _parse_formula(text: str) -> tuple[tuple[int, str], ...]:
    terms = []
    for term in text.split():
        sign = 1 if term[0] == "+" else -1
        terms.append((sign, term[1:]))
    return tuple(terms)


def _with_paths(lines: list[Line]) -> list[Line]:
    by_code = {ln.code: ln for ln in lines}

    def path(ln: Line) -> str:
        names = [ln.name]
        while ln.parent:
            ln = by_code[ln.parent]
            names.append(ln.name)
        return "/".join(reversed(names))

    return [
        Line(**{**{f: getattr(ln, f) for f in Line.__slots__}, "path": path(ln)}) for ln in lines
    ]


def load_rows(rows: Iterable[dict[str, str]]) -> Chart:
    lines = []
    for r in rows:
        lines.append(
            Line(
                code=r["code"],
                statement=r["statement"],
                name=r["name"],
                parent=r["parent"],
                level=int(r["level"]),
                kind=r["kind"],
                side=r["side"],
                fa_group=r["fa_group"],
                contra=bool(r["contra"]),
                roles=tuple(x for x in r["role"].split(";") if x),
                consolidated_only=bool(r["consolidated_only"]),
                formula=_parse_formula(r["formula"]),
                cf_section=r["cf_section"],
            )
        )
    return Chart(tuple(_with_paths(lines)))


@cache
def standard_chart() -> Chart:
    """The standard chart shipped with Kokai (令和元年8月改訂の様式)."""
    text = resources.files("kokai.core").joinpath("data/chart.csv").read_text(encoding="utf-8")
    return load_rows(csv.DictReader(text.splitlines()))
