from ovp.areas.models import Area, AreaQuerySet


def areas_for_list(kind: str | None) -> AreaQuerySet:
    areas = Area.objects.all()
    return areas.of_kind(kind) if kind else areas
