import time

from ovp.areas.models import Area, AreaQuerySet


def areas_for_list(kind: str | None) -> AreaQuerySet:
    areas = Area.objects.all()
    return areas.of_kind(kind) if kind else areas


_codes: dict[str, object] = {"read_at": -1e9, "codes": frozenset()}
CODES_TTL = 60.0  # seconds a process trusts its list of codes


def is_area_code(value: str) -> bool:
    """Whether `value` is the code of one of the city's areas (any kind). Each process reads
    the codes at most once a minute: public pages' cache keys ask it on every request."""
    now = time.monotonic()
    if now - float(_codes["read_at"]) > CODES_TTL:  # type: ignore[arg-type]
        _codes["codes"] = frozenset(Area.objects.values_list("code", flat=True))
        _codes["read_at"] = now
    return value in _codes["codes"]  # type: ignore[operator]
