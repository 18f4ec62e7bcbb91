"""How the figures' paragraphs write days, periods, counts, changes, money and shares."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DOLLAR = Decimal("1")


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_text(begin: date, end: date) -> str:
    return f"{day_text(begin)} to {day_text(end)}"


def count_text(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


def change_text(now: float, before: float | None) -> str:
    """'12% more than', '5% fewer than', 'the same as'."""
    if before is None or before == 0:
        return ""
    change = (now - before) / before
    if round(change * 100) == 0:
        return "about the same as"
    return f"{abs(change) * 100:.0f}% {'more' if change > 0 else 'fewer'} than"


def money_text(amount: Decimal) -> str:
    return f"${amount.quantize(DOLLAR, ROUND_HALF_UP):,}"


def share_text(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "0%"
