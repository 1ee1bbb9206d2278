from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstatesConfig(AppConfig):
    name = "estates"
    verbose_name = _("Estates and people")

    def ready(self):
        from core.audit import VERB_LABELS

        # What this app writes on the timelines besides the generic verbs.
        VERB_LABELS.update({"occupancy_added": _("Moved in"), "occupancy_ended": _("Moved out")})
