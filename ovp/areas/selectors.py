from ovp.areas.models import Area, AreaQuerySet


def areas_for_list(kind: str | None) -> AreaQuerySet:
    areas = Area.objects.all()
    return areas.of_kind(kind) if kind else areas


_codes: dict[str, object] = {"version": None, "codes": frozenset()}


def is_area_code(value: str) -> bool:
    """Whether `value` is the code of one of the city's areas (any kind). Public pages' cache
    keys ask it on every request, so each process keeps the codes for as long as the public
    data's version stays the same (saving an area renews it: `public_models`)."""
    from ovp.core.public_cache import data_version

    version = data_version()
    if _codes["version"] != version:
        _codes["codes"] = frozenset(Area.objects.values_list("code", flat=True))
        _codes["version"] = version
    return value in _codes["codes"]  # type: ignore[operator]
