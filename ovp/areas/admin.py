from django.contrib import admin

from ovp.areas.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]
