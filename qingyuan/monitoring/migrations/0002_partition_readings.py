"""On PostgreSQL, recreate monitoring_reading as a table partitioned by month (see monitoring/partitions.py).

SQLite keeps the plain table Django created in 0001; the model is the same on both.
"""

from django.db import migrations


def forward(apps, schema_editor):
    from qingyuan.monitoring.partitions import partition_table

    partition_table(schema_editor)


def backward(apps, schema_editor):
    from qingyuan.monitoring.partitions import unpartition_table

    unpartition_table(schema_editor)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
