from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints, feedback and notices")

    def ready(self):
        from core.audit import VERB_LABELS
        from estates.nav import NavEntry, register_owner_nav, register_staff_nav
        from estates.panels import register_panel
        from estates.permissions import grant
        from maintenance.panels import register_ticket_panel

        from . import permissions as P
        from .panels import person_panel, ticket_panel, unit_panel
        from .permissions import ROLE_PERMISSIONS
        from .timeline import VERBS

        grant(ROLE_PERMISSIONS)
        VERB_LABELS.update(VERBS)
        VERB_LABELS["complaint_deadlines_saved"] = _("Complaint deadlines saved")
        VERB_LABELS["complaint_working_hours_saved"] = _("Working hours saved")
        VERB_LABELS["notice_published"] = _("Notice published")
        VERB_LABELS["notice_expired"] = _("Notice taken down")
        register_staff_nav(
            NavEntry(
                label=_("Complaints"),
                url_name="complaints:complaint_board",
                icon="megaphone",
                perm=P.VIEW,
                order=40,
            )
        )
        register_owner_nav(
            NavEntry(
                label=_("Complaints"),
                url_name="portal_complaints:my_complaints",
                icon="megaphone",
                order=40,
            )
        )
        register_panel("unit", unit_panel)
        register_panel("person", person_panel)
        register_ticket_panel(ticket_panel)

    def seed_demo(self, estate, *, rng) -> int:
        """Called by `seed_demo` for each estate: demo complaints (idempotent)."""
        from .demo import seed_complaints

        return seed_complaints(estate, rng=rng)
