# A revised export is compared with the stored victims column by column (in SQL), so the
# per-row hash is gone. Reversible: going back adds the column with 0 in every row (the
# hashes are not computed again: the older code's next import of a source then records each
# of its victims as changed once).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0005_record_key_byte_order'),
    ]

    operations = [
        migrations.AlterField(
            model_name='victim',
            name='row_hash',
            field=models.BigIntegerField(default=0),
        ),
        migrations.RemoveField(
            model_name='victim',
            name='row_hash',
        ),
    ]
