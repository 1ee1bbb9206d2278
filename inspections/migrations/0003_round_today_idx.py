"""The inspector's today page reads the rounds still to walk of an estate, oldest first:
a partial index of those rounds only, so that the page does not walk every round the
estate ever had."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_upkeep"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="round",
            index=models.Index(
                condition=models.Q(("status__in", ["scheduled", "in_progress"]))
                | models.Q(("finished_at__isnull", True), ("status", "late")),
                fields=["estate", "window_start", "id"],
                name="round_today_idx",
            ),
        ),
    ]
