from django.contrib import admin

from evaluation.models import EvaluationRun


@admin.register(EvaluationRun)
class EvaluationRunAdmin(admin.ModelAdmin):
    list_display = ("title", "method", "estimate", "relative", "created_at", "created_by")
    list_filter = ("method",)
    readonly_fields = ("uuid", "inputs", "results", "created_at")
