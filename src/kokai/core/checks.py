"""The cross-statement checks C1–C13 (statements.md §6), each with both of its sides.

Each check reads the printed statements only, by path, so it verifies the statements as
a reader would, independently of how they were built.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .statements import NW_COLUMNS, NW_FIXED, NW_SURPLUS, NW_TOTAL, Statements


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    name: str
    ok: bool
    left_label: str
    left: int
    right_label: str
    right: int

    def as_json(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        mark = "OK " if self.ok else "NG "
        return (
            f"{mark}{self.id} {self.name}: {self.left_label} {self.left:,} / "
            f"{self.right_label} {self.right:,}"
        )


def run_checks(st: Statements) -> list[Check]:
    """Run C1–C13 on one year's statements."""
    a = st.amount
    out: list[Check] = []

    def check(cid: str, name: str, left_label: str, left: int, right_label: str, right: int) -> None:
        out.append(Check(cid, name, left == right, left_label, left, right_label, right))

    nw = lambda row, col=NW_TOTAL: a(f"NW/{row}", col)  # noqa: E731
    check("C1", "資産合計 = 負債合計 + 純資産合計", "資産合計", a("BS/資産合計"),
          "負債合計＋純資産合計", a("BS/負債合計") + a("BS/純資産合計"))
    check("C2", "行政コスト計算書の純行政コスト = 純資産変動計算書の純行政コスト",
          "PL 純行政コスト", a("PL/純行政コスト"), "NW 純行政コスト（△）の符号反転",
          -nw("純行政コスト（△）"))
    check("C3", "純資産変動計算書の本年度末純資産残高 = 貸借対照表の純資産合計",
          "NW 本年度末純資産残高", nw("本年度末純資産残高"), "BS 純資産合計", a("BS/純資産合計"))
    check("C4", "本年度末残高の固定資産等形成分 = 貸借対照表の固定資産等形成分",
          "NW 固定資産等形成分", nw("本年度末純資産残高", NW_FIXED), "BS 固定資産等形成分", a("BS/固定資産等形成分"))
    check("C4", "本年度末残高の余剰分（不足分） = 貸借対照表の余剰分（不足分）",
          "NW 余剰分（不足分）", nw("本年度末純資産残高", NW_SURPLUS), "BS 余剰分（不足分）", a("BS/余剰分（不足分）"))
    check("C5", "資金収支計算書の本年度末現金預金残高 = 貸借対照表の現金預金",
          "CF 本年度末現金預金残高", a("CF/本年度末現金預金残高"), "BS 現金預金", a("BS/流動資産/現金預金"))
    check("C6", "固定資産等形成分 = 固定資産 + 短期貸付金 + 流動資産の基金",
          "BS 固定資産等形成分", a("BS/固定資産等形成分"), "固定資産＋短期貸付金＋基金",
          a("BS/固定資産") + a("BS/流動資産/短期貸付金") + a("BS/流動資産/基金"))
    check("C7", "余剰分（不足分） = 純資産合計 − 固定資産等形成分",
          "BS 余剰分（不足分）", a("BS/余剰分（不足分）"), "純資産合計−固定資産等形成分−他団体出資等分",
          a("BS/純資産合計") - a("BS/固定資産等形成分") - a("BS/他団体出資等分"))
    check("C8", "本年度差額 = 財源 − 純行政コスト", "NW 本年度差額", nw("本年度差額"),
          "財源−純行政コスト", nw("財源") + nw("純行政コスト（△）"))
    direct = ["資産評価差額", "無償所管換等", "他団体出資等分の増加", "他団体出資等分の減少",
              "比例連結割合変更に伴う差額", "その他"]
    for col in NW_COLUMNS:
        moves = (nw("本年度差額", col) + nw("固定資産等の変動（内部変動）", col)
                 + sum(nw(r, col) for r in direct))
        check("C9", f"本年度純資産変動額・本年度末残高（{col}）", "前年度末＋本年度純資産変動額",
              nw("前年度末純資産残高", col) + nw("本年度純資産変動額", col),
              "前年度末＋差額＋内部変動＋評価差額・無償所管換等・その他",
              nw("前年度末純資産残高", col) + moves)
    bad_rows = [ln.name for ln in st.lines["NW"]
                if ln.amounts[NW_TOTAL] != ln.amounts[NW_FIXED] + ln.amounts[NW_SURPLUS]]
    check("C10", "各行の合計 = 固定資産等形成分 + 余剰分（不足分）", "一致しない行数", len(bad_rows), "期待値", 0)
    check("C11", "固定資産等の変動（内部変動）の合計列 = 0", "内部変動 合計", nw("固定資産等の変動（内部変動）"),
          "期待値", 0)
    check("C12", "本年度資金収支額 = 業務活動収支 + 投資活動収支 + 財務活動収支",
          "本年度資金収支額", a("CF/本年度資金収支額"), "三区分の合計",
          a("CF/業務活動収支") + a("CF/投資活動収支") + a("CF/財務活動収支"))
    check("C12", "本年度末資金残高 = 前年度末資金残高 + 本年度資金収支額",
          "本年度末資金残高", a("CF/本年度末資金残高"), "前年度末＋本年度資金収支額（＋連結差額）",
          a("CF/前年度末資金残高") + a("CF/本年度資金収支額") + a("CF/比例連結割合変更に伴う差額"))
    check("C13", "本年度末歳計外現金残高 = 前年度末 + 本年度増減額",
          "本年度末歳計外現金残高", a("CF/本年度末歳計外現金残高"), "前年度末＋増減額",
          a("CF/前年度末歳計外現金残高") + a("CF/本年度歳計外現金増減額"))
    return out
