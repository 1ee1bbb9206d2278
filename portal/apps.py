from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Owner self-service")

    def ready(self):
        from core.audit import VERB_LABELS
        from estates.panels import register_person_panel

        from .views_staff import person_portal_panel

        register_person_panel(person_portal_panel)
        # What this app writes on a person's timeline.
        VERB_LABELS.update(
            {
                "invited": _("Invited to the owner portal"),
                "invitation_revoked": _("Invitation revoked"),
                "activated": _("Activated the portal account"),
            }
        )
