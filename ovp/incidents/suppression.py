"""Small-cell suppression for public figures.

Counts from 1 to threshold-1 are hidden (primary suppression). Where the cells of a group
add up to a total that is shown, one hidden cell could be worked out by subtraction, so the
smallest other non-zero cell is hidden too (secondary suppression). Zero is shown: it
identifies no one.
"""

from collections.abc import Sequence


def suppress(counts: Sequence[int], threshold: int) -> list[int | None]:
    """The counts with small ones (and what would reveal them) replaced by None."""
    shown: list[int | None] = [None if 0 < c < threshold else c for c in counts]
    hidden = [i for i, c in enumerate(shown) if c is None]
    if len(hidden) == 1:
        candidates = [(c, i) for i, c in enumerate(shown) if c not in (None, 0)]
        if candidates:
            _, index = min(candidates)
            shown[index] = None
        else:
            # nothing else to hide: the total itself would give the cell away
            shown = [None if c is not None and c > 0 else c for c in shown]
    return shown


def suppress_total(total: int, threshold: int) -> int | None:
    return None if 0 < total < threshold else total
