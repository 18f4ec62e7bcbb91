"""The public edition of a published needs assessment: what /public/assessments/ shows and
prints, built from the version the board signed off, without what a public page must not
show.

The office and the board read the assessment whole. Anyone may read the public edition, so
it follows the public pages' rules:

- a count of people shot or killed from 1 to OVP_SUPPRESSION_THRESHOLD - 1 in a table is
  shown as "fewer than N", and so is what would give it away: the rates, shares and dollar
  figures of its row, and, when it is the only hidden count of its column, the next smallest
  count of that column (so that a total published elsewhere cannot be subtracted down to it);
- the same small counts are hidden in the text ("4 people shot", "(3, 1%)");
- a program that has not chosen to be in the public directory is not named (its name gives
  way to "a program not listed publicly"); staff-only programs such as a police unit's
  patrols still count in every figure;
- charts are left out: the print view and the PDF never drew them, and their numbers are
  the tables' (so one rule covers both).

What the rule does not promise: the shootings page's guarantee (every hidden count keeps at
least five possible values against everything published: ovp/incidents/suppression.py) is
for its own tables, quarter after quarter. The assessment's tables are of other periods and
areas; hiding small counts and a second cell per column is the usual rule for a report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# columns that count people shot or killed (the tables' own headers)
COUNT_COLUMN = re.compile(
    r"people shot|fatal|homicides|killed|previous period|average of the", re.IGNORECASE
)
# columns worked out from a row's counts: they would give a hidden count away
DERIVED_COLUMN = re.compile(r"rate|share|benchmark|short of", re.IGNORECASE)
PEOPLE_AFTER = r"(?:people|person|fatal|killed|homicides?|victims?)\b"
UNLISTED = "a program not listed publicly"


def public_edition(
    sections: list[dict[str, Any]], *, threshold: int, unlisted: Iterable[str]
) -> list[dict[str, Any]]:
    """The sections as the public reads them (see the module); `unlisted`: the names of the
    programs not in the public directory."""
    names = sorted({name for name in unlisted if name}, key=len, reverse=True)
    hidden = f"fewer than {threshold}"
    edited = []
    for section in sections:
        figures = dict(section.get("figures") or {})
        figures["charts"] = []
        figures["tables"] = [
            _table(table, threshold=threshold, hidden=hidden, names=names)
            for table in figures.get("tables", [])
        ]
        for key in ("summary",):
            if figures.get(key):
                figures[key] = _text(figures[key], threshold, hidden, names)
        figures["notes"] = [_text(n, threshold, hidden, names) for n in figures.get("notes", [])]
        edited.append(
            {
                **section,
                "text": _text(section.get("text", ""), threshold, hidden, names),
                "figures": figures,
            }
        )
    return edited


def _small(value: object, threshold: int) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < threshold


def _table(
    table: dict[str, Any], *, threshold: int, hidden: str, names: list[str]
) -> dict[str, Any]:
    columns = [str(c) for c in table.get("columns", [])]
    counts = [i for i, c in enumerate(columns) if COUNT_COLUMN.search(c)]
    derived = [i for i, c in enumerate(columns) if DERIVED_COLUMN.search(c)]
    rows = [list(row) for row in table.get("rows", [])]
    masked: set[tuple[int, int]] = {
        (r, c) for r, row in enumerate(rows) for c in counts if _small(row[c], threshold)
    }
    for c in counts:  # the only hidden count of a column takes the next smallest with it
        in_column = [r for r, col in masked if col == c]
        if len(in_column) == 1:
            others = [
                (row[c], r)
                for r, row in enumerate(rows)
                if r != in_column[0] and isinstance(row[c], int | float) and row[c] > 0
            ]
            if others:
                masked.add((min(others)[1], c))
    if counts:  # rates, shares and dollars are worked out from a row's first count
        for r in [r for r, c in masked if c == counts[0]]:
            masked.update((r, c) for c in derived)
    for r, c in masked:
        rows[r][c] = hidden
    rows = [
        [_cell(cell, threshold, hidden, names) if isinstance(cell, str) else cell for cell in row]
        for row in rows
    ]
    return {**table, "rows": rows}


def _cell(cell: str, threshold: int, hidden: str, names: list[str]) -> str:
    """A cell's text; a list of programs keeps the listed ones and counts the others."""
    parts = cell.split(", ")
    unlisted = [part for part in parts if part in names]
    if len(parts) > 1 and unlisted:
        kept = [part for part in parts if part not in names]
        more = len(unlisted)
        return ", ".join(
            [*kept, f"{more} {'program' if more == 1 else 'programs'} not listed publicly"]
        )
    return _text(cell, threshold, hidden, names)


def _text(text: str, threshold: int, hidden: str, names: list[str]) -> str:
    """Small counts of people hidden, and programs not listed publicly unnamed."""
    small = "|".join(str(n) for n in range(threshold - 1, 0, -1))
    text = re.sub(rf"(?<![\d.,])\b(?:{small})\b(?![.,]\d)(?=\s+{PEOPLE_AFTER})", hidden, text)
    text = re.sub(rf"\((?:{small})(?=[,)])", f"({hidden}", text)
    for name in names:
        text = re.sub(
            rf"(^|[.:!?]\s+)?{re.escape(name)}",
            lambda m: (
                f"{m.group(1)}{UNLISTED[0].upper()}{UNLISTED[1:]}"
                if m.group(1) is not None
                else UNLISTED
            ),
            text,
        )
    return text
