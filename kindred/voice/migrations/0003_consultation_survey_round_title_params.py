from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('voice', '0002_per_person_answers_and_minimum'),
    ]

    operations = [
        migrations.AddField(
            model_name='consultation',
            name='survey_round',
            field=models.CharField(blank=True, choices=[('before', 'Before'), ('after', 'After')], max_length=8, verbose_name='survey round'),
        ),
        migrations.AddField(
            model_name='consultation',
            name='title_params',
            field=models.JSONField(blank=True, default=dict, verbose_name='title parameters'),
        ),
    ]
