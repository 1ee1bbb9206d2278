from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self):
        from core.audit import VERB_LABELS
        from estates.nav import NavEntry, register_owner_nav, register_staff_nav
        from estates.permissions import grant

        from . import permissions as P

        grant(P.ROLE_PERMISSIONS)
        from estates.panels import register_panel

        from .panels import estate_panel

        register_panel("estate", estate_panel)
        register_staff_nav(
            NavEntry(
                label=_("Surveys"),
                url_name="surveys:survey_list",
                icon="clipboard-check",
                perm=P.VIEW,
                order=60,
            )
        )
        register_owner_nav(
            NavEntry(
                label=_("Surveys"),
                url_name="portal_surveys:my_surveys",
                icon="clipboard-check",
                order=60,
            )
        )
        VERB_LABELS.update(
            {
                "survey_created": _("Survey created"),
                "survey_updated": _("Survey changed"),
                "survey_copied": _("Survey copied"),
                "survey_published": _("Survey published"),
                "survey_closed": _("Survey closed"),
                "follow_up_created": _("Follow-up opened: below the target"),
                "follow_up_assigned": _("Follow-up item assigned"),
                "follow_up_done": _("Follow-up item done"),
                "follow_up_reopened": _("Follow-up item reopened"),
            }
        )

    def seed_demo(self, estate, *, rng) -> int:
        """Called by `seed_demo` for each estate: one closed survey with answers (idempotent)."""
        from .demo import seed_survey

        return seed_survey(estate, rng=rng)
