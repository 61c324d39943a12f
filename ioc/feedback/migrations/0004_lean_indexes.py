"""Drop indexes that others already lead with: every index costs each new report (20 on feedback_report before).

The foreign keys category, area and lead_unit lead the composite indexes (category, received_at), (area,
received_at) and (lead_unit, status, answer_due); status leads (status, received_at); report leads the events'
(report, at); the partial unique index on (channel, idempotency_key) serves re-send lookups. Only indexes are
dropped (by name; the same names on SQLite and PostgreSQL, which also has a _like index for status): changing
the fields through AlterField would rebuild the million-row table on SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [
    ("feedback_report_idem", 'CREATE INDEX "feedback_report_idem" ON "feedback_report" ("channel", "idempotency_key")'),
    ("feedback_report_category_id_4158d668",
     'CREATE INDEX "feedback_report_category_id_4158d668" ON "feedback_report" ("category_id")'),
    ("feedback_report_area_id_f06715cf", 'CREATE INDEX "feedback_report_area_id_f06715cf" ON "feedback_report" ("area_id")'),
    ("feedback_report_lead_unit_id_4645e057",
     'CREATE INDEX "feedback_report_lead_unit_id_4645e057" ON "feedback_report" ("lead_unit_id")'),
    ("feedback_report_status_6a004083", 'CREATE INDEX "feedback_report_status_6a004083" ON "feedback_report" ("status")'),
    ("feedback_report_status_6a004083_like", None),  # PostgreSQL only
    ("feedback_reportevent_report_id_8511538f",
     'CREATE INDEX "feedback_reportevent_report_id_8511538f" ON "feedback_reportevent" ("report_id")'),
]


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_lean_indexes'),
        ('feedback', '0003_report_idempotency_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"', reverse_sql=create or migrations.RunSQL.noop)
                for name, create in DROPPED
            ],
            state_operations=[
                migrations.RemoveIndex(
                    model_name='report',
                    name='feedback_report_idem',
                ),
                migrations.AlterField(
                    model_name='report',
                    name='area',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.area', verbose_name='xã, phường'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='category',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='feedback.category', verbose_name='lĩnh vực'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='lead_unit',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='led_reports', to='core.unit', verbose_name='đơn vị chủ trì'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='status',
                    field=models.CharField(choices=[('received', 'Mới tiếp nhận'), ('verified', 'Đã xác minh'), ('rejected', 'Từ chối'), ('assigned', 'Đã chuyển xử lý'), ('in_progress', 'Đang xử lý'), ('answered', 'Đã trả lời'), ('closed', 'Đã đóng'), ('reopened', 'Yêu cầu xử lý lại')], default='received', max_length=12, verbose_name='trạng thái'),
                ),
                migrations.AlterField(
                    model_name='reportevent',
                    name='report',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='feedback.report'),
                ),
            ],
        ),
    ]
