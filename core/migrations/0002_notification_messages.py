# Notifications keep message keys and parameters (core.texts), rendered when read, in the
# reader's language. Rows written before keep their text as a literal message.

from django.conf import settings
from django.db import migrations
from django.utils import translation

import core.texts

BATCH = 1000


def to_messages(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    # Read through MessageField: old plain text comes back as a literal, saved as JSON.
    rows = Notification.objects.using(schema_editor.connection.alias).only("title", "body")
    batch = []
    for note in rows.iterator(chunk_size=BATCH):
        batch.append(note)
        if len(batch) == BATCH:
            Notification.objects.bulk_update(batch, ["title", "body"])
            batch = []
    Notification.objects.bulk_update(batch, ["title", "body"])


def to_text(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    table = schema_editor.quote_name(Notification._meta.db_table)
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            (str(n.title)[:200], str(n.body), n.pk)
            for n in Notification.objects.only("title", "body").iterator(chunk_size=BATCH)
        ]
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET title = %s, body = %s WHERE id = %s", rows)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="body",
            field=core.texts.MessageField(blank=True, verbose_name="message"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="title",
            field=core.texts.MessageField(verbose_name="title"),
        ),
        migrations.RunPython(to_messages, to_text),
    ]
