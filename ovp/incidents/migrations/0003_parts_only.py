from django.db import migrations, models


class Migration(migrations.Migration):
    """Aggregates keep only parts of weeks within months; weeks and months are their sums.
    The week and month rows go (the next aggregation would not keep them up to date)."""

    dependencies = [
        ("incidents", "0002_period_part"),
    ]

    operations = [
        migrations.RunSQL(
            "DELETE FROM incidents_periodcount WHERE period <> 'P'", migrations.RunSQL.noop
        ),
        migrations.AlterField(
            model_name="periodcount",
            name="period",
            field=models.CharField(choices=[("P", "Week within a month")], max_length=1),
        ),
    ]
