"""Surveys started before their rounds' titles were stored as data: each round (a consultation) was
titled in the coordinator's language of the time ("Wellbeing: before", "Wellbeing: cyn"). Where a
round still has such a title, store what it is made of instead (voice.Consultation.survey_round,
title_params: the survey's title), so every reader sees the round's words in their own language.

The texts of the time are written out below (English and the Welsh and Arabic catalogues of the
time), not taken from today's catalogues, which may have changed since."""

from django.db import migrations

TITLES = {
    "before": ("%(title)s: before", "%(title)s: cyn", "%(title)s: قبل"),
    "after": ("%(title)s: after", "%(title)s: ar ôl", "%(title)s: بعد"),
}


def forwards(apps, schema_editor):
    Survey = apps.get_model("impact", "Survey")
    Consultation = apps.get_model("voice", "Consultation")
    for survey in Survey.objects.select_related("pre", "post").iterator():
        params = {"title": survey.title[:180]}
        for survey_round, consultation in (("before", survey.pre), ("after", survey.post)):
            if consultation is None or consultation.survey_round:
                continue
            if consultation.title not in {(text % params)[:200] for text in TITLES[survey_round]}:
                continue  # retitled by a person: theirs, as typed
            Consultation.objects.filter(pk=consultation.pk).update(
                survey_round=survey_round,
                title_params=params,
                title=(TITLES[survey_round][0] % params)[:200],  # the English form, for search and sorting
            )


class Migration(migrations.Migration):

    dependencies = [
        ('impact', '0004_surveys_and_support_letters'),
        ('voice', '0003_consultation_survey_round_title_params'),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
