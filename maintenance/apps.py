from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "maintenance"
    verbose_name = _("Repairs")

    def ready(self):
        from estates.permissions import grant

        from .permissions import ROLE_PERMISSIONS

        grant(ROLE_PERMISSIONS)
