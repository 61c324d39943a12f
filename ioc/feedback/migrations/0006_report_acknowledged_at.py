from django.db import migrations, models
from django.db.models import F


def acknowledged_already(apps, schema_editor):
    """Reports stored before this field existed had their intake job long ago: the sweep must not repeat it."""
    apps.get_model("feedback", "Report").objects.filter(acknowledged_at__isnull=True).update(
        acknowledged_at=F("received_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0005_category_icon_help'),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='acknowledged_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(acknowledged_already, migrations.RunPython.noop),
    ]
