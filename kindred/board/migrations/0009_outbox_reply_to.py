from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0008_welcome_emails"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingemail",
            name="reply_to",
            field=models.CharField(blank=True, default="", max_length=254),
        ),
    ]
