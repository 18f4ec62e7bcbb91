"""The office's metric library to start with: the report's built-in metrics, with the
definitions grantees read where they type them, and a few metrics of single strategies."""

from django.db import migrations

from grants.library import LIBRARY


def add_library(apps, schema_editor):
    Metric = apps.get_model("grants", "Metric")
    for slug, name, unit, strategy, column, definition in LIBRARY:
        Metric.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "unit": unit, "strategy": strategy, "column": column,
                      "definition": definition},
        )


def remove_library(apps, schema_editor):
    apps.get_model("grants", "Metric").objects.filter(
        slug__in=[row[0] for row in LIBRARY]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("grants", "0004_metric_sets")]

    operations = [migrations.RunPython(add_library, remove_library)]
