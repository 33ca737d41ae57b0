from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0005_device_setup"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quarantine",
            name="reason",
            field=models.CharField(
                choices=[("unknown_mn", "Unknown MN"), ("wrong_pw", "Wrong password"), ("inactive", "Point inactive"),
                         ("decommissioned", "Point decommissioned (closure)")],
                max_length=20, verbose_name="reason"),
        ),
    ]
