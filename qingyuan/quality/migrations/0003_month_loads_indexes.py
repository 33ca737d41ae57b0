"""Covering indexes for the load sums over monthly values (loads.masses, loads.park)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("quality", "0002_month_mass_days"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="monthlyvalue",
            index=models.Index(fields=["point", "parameter", "month", "mass_kg", "mass_days", "mass_day_mask",
                                       "first_mass_day"], name="quality_month_loads"),
        ),
        migrations.AddIndex(
            model_name="monthlyvalue",
            index=models.Index(fields=["parameter", "month", "point", "mass_kg", "mass_days", "mass_day_mask"],
                               name="quality_month_park"),
        ),
    ]
