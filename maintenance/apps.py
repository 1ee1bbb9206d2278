from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "maintenance"
    verbose_name = _("Repairs")

    def ready(self):
        from estates.permissions import grant

        from .permissions import ROLE_PERMISSIONS

        grant(ROLE_PERMISSIONS)

    def seed_demo(self, estate, *, rng) -> int:
        """Called by `seed_demo` for each estate: demo repair tickets (idempotent)."""
        from .demo import seed_tickets

        return seed_tickets(estate, rng=rng)
