"""The rows an import refuses, each with its reason.

Every field's parser reports the rows it cannot read to the block's `Rejections`; a row keeps
the first reason found, so the parsers run in a fixed order (normalizing.py). What the file's
blocks refused adds up in `RejectedRows`: the count in the import's summary, the report the
office downloads, and the incidents the merge must not mark removed.
"""

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ovp.core.exports import spreadsheet_safe

# rows left out that are not errors: not what the mapping keeps, or an incident in which no one
# was killed or injured
FILTERED_OUT, NO_VICTIMS = "filtered_out", "no_victims"


class Rejections:
    """The rows of one block refused so far, and why; and the rows set aside (left out, but
    not errors: counted by kind, never listed as rejected)."""

    def __init__(self, rows: int) -> None:
        self.reasons = np.full(rows, None, dtype=object)
        self.accepted = np.ones(rows, dtype=bool)  # no reason yet
        self.refused = np.zeros(rows, dtype=bool)
        self.set_aside: dict[str, int] = {FILTERED_OUT: 0, NO_VICTIMS: 0}

    def reject(self, rows: np.ndarray, reason: str) -> None:
        """Refuse the rows of the mask not refused (or set aside) yet, for this reason."""
        hit = np.asarray(rows, dtype=bool) & self.accepted
        if hit.any():
            self.reasons[hit] = reason
            self.accepted[hit] = False
            self.refused[hit] = True

    def leave_out(self, rows: np.ndarray, kind: str) -> None:
        """Leave out the rows of the mask not refused yet, counted as `kind`, not rejected."""
        hit = np.asarray(rows, dtype=bool) & self.accepted
        self.accepted[hit] = False
        self.set_aside[kind] += int(hit.sum())

    def table(self, lines: np.ndarray, incident_keys: pa.Array) -> pd.DataFrame:
        """The refused rows: their line in the file, incident key and reason."""
        refused = self.refused
        keys = pc.take(incident_keys, pa.array(np.flatnonzero(refused)))
        return pd.DataFrame(
            {
                "line": lines[refused],
                "key": keys.to_pandas().fillna(""),
                "reason": self.reasons[refused],
            }
        )


@dataclass
class RejectedRows:
    """The rows a whole file's blocks refused."""

    blocks: list[pd.DataFrame] = field(default_factory=list)

    def add(self, rejected: pd.DataFrame) -> None:
        if len(rejected):
            self.blocks.append(rejected)

    @property
    def count(self) -> int:
        return sum(len(block) for block in self.blocks)

    def incident_keys(self) -> list[str]:
        """The incidents of the refused rows (a row refused says nothing of its victims)."""
        return sorted({key for block in self.blocks for key in block["key"] if key})

    def report(self) -> str:
        """The refused rows as CSV (line, key, reason); empty when none was."""
        if not self.blocks:
            return ""
        buffer = io.StringIO()
        # CRLF line ends, so that a CR inside a cell is quoted too (Python's csv quotes only
        # the characters of the line end it writes): every spreadsheet reads the file back
        pd.concat(self.blocks).map(spreadsheet_safe).to_csv(
            buffer, index=False, lineterminator="\r\n"
        )
        # a NUL byte in a rejected cell cannot be stored in a text column (nor read in a sheet)
        return buffer.getvalue().replace("\x00", "")
