"""Errors as values: every problem found in input carries its place and a Japanese message.

Loaders collect :class:`Issue` values instead of raising at the first problem, so a user
sees every bad row of a file at once (beancount's style).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in an input file, with where it is and how to fix it."""

    message: str
    file: str = ""
    row: int | None = None  # 1-based line number in the file (the header is row 1)
    column: str = ""
    sheet: str = ""

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.sheet:
            where.append(f"シート「{self.sheet}」")
        if self.row is not None:
            where.append(f"{self.row}行目")
        if self.column:
            where.append(f"列「{self.column}」")
        return (" ".join(where) + ": " if where else "") + self.message


class InputRejected(Exception):
    """A whole input was refused; ``issues`` says why, row by row."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues[:50]))


class Issues(list):
    """The issues found in one file so far."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def add(self, message: str, row: int | None = None, column: str = "") -> None:
        self.append(Issue(message, file=self.file, row=row, column=column))
