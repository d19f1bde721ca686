# Family members lose their index on member: no page asks in whose families a school is, and the index
# was most of the cost of writing and dropping a run's 760,000 rows. Dropped by name (the same on SQLite
# and PostgreSQL), so that SQLite does not copy the table to drop one index.

import django.db.models.deletion
from django.db import migrations, models

INDEX = "evidence_familymember_member_id_9790d16c"


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0007_runs_of_each_country'),
        ('schools', '0012_country_of_each_school_and_region'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='familymember',
                    name='member',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='schools.school'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "evidence_familymember" ("member_id")',
                ),
            ],
        ),
    ]
