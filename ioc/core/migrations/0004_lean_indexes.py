"""Drop the audit log's index on object_type alone: (object_type, object_id) leads with it, and each index costs
every audited write. Only the index is dropped (AlterField would rebuild the table on SQLite and lose its
append-only triggers); PostgreSQL also has a _like index for it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_preload_working_time'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL('DROP INDEX IF EXISTS "core_auditevent_object_type_e0bee35e"',
                                  reverse_sql='CREATE INDEX "core_auditevent_object_type_e0bee35e" ON "core_auditevent" '
                                              '("object_type")'),
                migrations.RunSQL('DROP INDEX IF EXISTS "core_auditevent_object_type_e0bee35e_like"',
                                  reverse_sql=migrations.RunSQL.noop),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='auditevent',
                    name='object_type',
                    field=models.CharField(blank=True, max_length=80, verbose_name='loại đối tượng'),
                ),
            ],
        ),
    ]
