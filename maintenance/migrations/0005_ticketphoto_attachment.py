import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.attachments


class Migration(migrations.Migration):
    dependencies = [
        ("maintenance", "0004_fewer_redundant_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="ticketphoto", old_name="image", new_name="file"),
        migrations.AlterField(
            model_name="ticketphoto",
            name="file",
            field=models.FileField(
                max_length=255, upload_to=core.attachments.attachment_upload_to, verbose_name="file"
            ),
        ),
        migrations.AddField(
            model_name="ticketphoto",
            name="original_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="original file name"),
        ),
        migrations.AddField(
            model_name="ticketphoto",
            name="content_type",
            field=models.CharField(default="", max_length=100, verbose_name="content type"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ticketphoto",
            name="size",
            field=models.PositiveBigIntegerField(default=0, verbose_name="size"),
        ),
        migrations.AlterField(
            model_name="ticketphoto",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="uploaded by",
            ),
        ),
        migrations.AlterField(
            model_name="ticketphoto",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="uploaded at"),
        ),
    ]
