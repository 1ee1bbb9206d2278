from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and maintenance plans")

    def ready(self):
        from core.audit import VERB_LABELS
        from estates.nav import NavEntry, register_staff_nav
        from estates.panels import register_panel
        from estates.permissions import grant

        from . import permissions as P
        from .panels import equipment_panel, unit_panel

        grant(P.ROLE_PERMISSIONS)
        register_staff_nav(
            NavEntry(
                label=_("Today's rounds"),
                url_name="inspections:today",
                icon="phone",
                perm=P.DO_ROUNDS,
                order=35,
            )
        )
        register_staff_nav(
            NavEntry(
                label=_("Inspections"),
                url_name="inspections:round_list",
                icon="clipboard-check",
                perm=P.VIEW,
                order=36,
            )
        )
        register_staff_nav(
            NavEntry(
                label=_("Maintenance"),
                url_name="inspections:upkeep_task_list",
                icon="tools",
                perm=P.VIEW,
                order=37,
            )
        )
        register_panel("equipment", equipment_panel)
        register_panel("unit", unit_panel)
        VERB_LABELS.update(
            {
                "round_started": _("Round started"),
                "round_finished": _("Round finished"),
                "round_assigned": _("Round given to someone else"),
                "round_missed": _("Round missed"),
                "round_late": _("Round late"),
                "checkpoint_recorded": _("Checkpoint recorded"),
                "finding_opened": _("Finding: repair ticket opened"),
                "finding_closed": _("Finding closed: the check passed"),
                "upkeep_done": _("Maintenance done"),
                "upkeep_accepted": _("Maintenance accepted"),
                "upkeep_sent_back": _("Maintenance sent back"),
                "upkeep_overdue": _("Maintenance overdue"),
            }
        )

    def seed_demo(self, estate, *, rng) -> int:
        """Called by `seed_demo` for each estate: checkpoints, a route, a daily plan."""
        from .demo import seed_inspections

        return seed_inspections(estate, rng=rng)
