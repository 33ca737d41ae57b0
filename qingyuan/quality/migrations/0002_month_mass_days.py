"""Monthly values keep the days that have a mass (count, bit mask, first day): loads.totals reads completed
months from them instead of every daily value. Existing monthly rows are filled in from their daily values."""

from django.db import migrations, models

# One statement per backend: for each monthly row, its days with a mass (day d → bit d−1; the key makes a
# (point, parameter, day) unique, so the sum of the bits is their OR).
FILL = {
    "sqlite": """
        UPDATE quality_monthlyvalue SET (mass_days, mass_day_mask, first_mass_day) = (
            SELECT COUNT(*), COALESCE(SUM(1 << (CAST(substr(d.day, 9, 2) AS INTEGER) - 1)), 0), MIN(d.day)
            FROM quality_dailyvalue d
            WHERE d.point_id = quality_monthlyvalue.point_id AND d.parameter = quality_monthlyvalue.parameter
              AND d.day >= quality_monthlyvalue.month AND d.day < date(quality_monthlyvalue.month, '+1 month')
              AND d.mass_kg IS NOT NULL)
    """,
    "postgresql": """
        UPDATE quality_monthlyvalue m SET (mass_days, mass_day_mask, first_mass_day) = (
            SELECT COUNT(*), COALESCE(SUM(1 << (EXTRACT(DAY FROM d.day)::integer - 1)), 0)::integer, MIN(d.day)
            FROM quality_dailyvalue d
            WHERE d.point_id = m.point_id AND d.parameter = m.parameter
              AND d.day >= m.month AND d.day < (m.month + INTERVAL '1 month')::date
              AND d.mass_kg IS NOT NULL)
    """,
}


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    sql = FILL.get(schema_editor.connection.vendor)
    if sql is not None:  # another backend: the columns stay NULL and loads reads the daily values
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("quality", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="monthlyvalue",
            name="mass_days",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="days with a mass"),
        ),
        migrations.AddField(
            model_name="monthlyvalue",
            name="mass_day_mask",
            field=models.IntegerField(blank=True, null=True, verbose_name="days with a mass (bit mask)"),
        ),
        migrations.AddField(
            model_name="monthlyvalue",
            name="first_mass_day",
            field=models.DateField(blank=True, null=True, verbose_name="first day with a mass"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
