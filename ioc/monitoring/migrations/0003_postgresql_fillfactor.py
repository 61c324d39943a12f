"""PostgreSQL: leave room in the pages of the tables every batch of readings updates (latest values, rollups),
so those updates stay on the page (HOT) instead of rewriting every index. Measured on a batch of one reading in
each of 6,000 series: 355 → 193 ms. SQLite has no fill factor."""

from django.db import migrations

TABLES = ("monitoring_series", "monitoring_station", "monitoring_seriesrollup", "monitoring_arearollup")


def set_fillfactor(apps, schema_editor, value="70"):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        if value is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {value})")


def reset_fillfactor(apps, schema_editor):
    set_fillfactor(apps, schema_editor, value=None)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_sqlite_without_rowid")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
