from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('networks', '0005_informal_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='network',
            name='made_by',
            field=models.CharField(blank=True, choices=[('formation', 'Network formation'), ('brokering', 'Partner brokering')], max_length=16, verbose_name='made by'),
        ),
        migrations.AddField(
            model_name='network',
            name='name_params',
            field=models.JSONField(blank=True, default=dict, verbose_name='name parameters'),
        ),
    ]
