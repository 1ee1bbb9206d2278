from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "maintenance"
    verbose_name = _("Repairs")

    def ready(self):
        from core.audit import VERB_LABELS
        from estates.permissions import grant

        from .permissions import ROLE_PERMISSIONS

        grant(ROLE_PERMISSIONS)
        # What this app writes on an estate's timeline.
        VERB_LABELS.update(
            {
                "sla_preset": _("Repair deadlines: preset applied"),
                "sla_rules_saved": _("Repair deadlines: rules saved"),
                "urge_interval_set": _("Urge interval changed"),
            }
        )

    def seed_demo(self, estate, *, rng) -> int:
        """Called by `seed_demo` for each estate: demo repair tickets (idempotent)."""
        from .demo import seed_tickets

        return seed_tickets(estate, rng=rng)
