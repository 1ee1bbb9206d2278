from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Fees and billing")

    def ready(self):
        from core.audit import VERB_LABELS
        from estates.nav import NavEntry, register_owner_nav, register_staff_nav
        from estates.panels import register_panel
        from estates.permissions import grant

        from . import permissions as P
        from .panels import building_meters_panel, unit_panel
        from .permissions import ROLE_PERMISSIONS

        grant(ROLE_PERMISSIONS)
        register_staff_nav(
            NavEntry(
                label=_("Billing"), url_name="billing:home", icon="cash-coin", perm=P.VIEW, order=60
            )
        )
        register_owner_nav(
            NavEntry(label=_("Bills"), url_name="portal_billing:bills", icon="receipt", order=60)
        )
        register_owner_nav(
            NavEntry(
                label=_("Financial reports"),
                url_name="portal_billing:summaries",
                icon="bar-chart",
                order=61,
            )
        )
        register_panel("unit", unit_panel)
        register_panel("building", building_meters_panel)
        register_staff_nav(
            NavEntry(
                label=_("Meter readings"),
                url_name="billing:meter_list",
                icon="speedometer2",
                perm=P.READ_METERS,
                order=61,
            )
        )
        self._ready_repairs()
        VERB_LABELS.update(
            {
                "fee_item_created": _("Fee item created"),
                "fee_standard_created": _("Fee standard created"),
                "fee_standard_revised": _("Fee standard changed (new version)"),
                "bill_run_started": _("Bill run started"),
                "bill_run_recomputed": _("Bill run computed again"),
                "bill_run_computed": _("Bills computed"),
                "bill_run_failed": _("Bill run failed"),
                "bill_run_issue_started": _("Issuing started"),
                "bill_run_issued": _("Bills issued"),
                "bill_voided": _("Bill voided with a credit note"),
                "billing_credit": _("Credit recorded"),
                "billing_refund": _("Refund recorded"),
                "payment_recorded": _("Payment recorded"),
                "online_payment_started": _("Online payment started"),
                "bank_statement_uploaded": _("Bank statement imported"),
                "bank_statement_applied": _("Matched bank transfers recorded"),
                "bank_line_matched": _("Bank transfer matched by hand"),
                "bank_line_dismissed": _("Bank transfer marked as not ours"),
                "cost_recorded": _("Cost recorded"),
                "cost_imported": _("Cost imported"),
                "summary_prepared": _("Financial summary prepared"),
                "summary_refreshed": _("Financial summary figures taken again"),
                "summary_published": _("Financial summary published"),
                "meter_created": _("Meter registered"),
                "meter_changed": _("Meter changed"),
                "meter_read": _("Meter read"),
                "meter_reading_corrected": _("Meter reading corrected"),
                "meter_readings_imported": _("Meter readings imported"),
                "meter_usage_computed": _("Usage computed from the meter readings"),
            }
        )

    def _ready_repairs(self):
        """Chargeable repairs: billing's panels on a ticket's pages and its guard of
        "start the repair" (maintenance asks its registries; it imports no billing)."""
        from core.audit import VERB_LABELS
        from maintenance.guards import register_transition_guard
        from maintenance.panels import register_owner_ticket_panel, register_ticket_panel

        from .panels_repairs import owner_ticket_panel, staff_ticket_panel
        from .services.repairs import start_guard

        register_ticket_panel(staff_ticket_panel)
        register_owner_ticket_panel(owner_ticket_panel)
        register_transition_guard(start_guard)
        VERB_LABELS.update(
            {
                "repair_price_created": _("Repair price created"),
                "repair_price_revised": _("Repair price changed (new version)"),
                "repair_quote_started": _("Quote started"),
                "repair_quote_sent": _("Quote sent to the owner"),
                "repair_quote_accepted": _("Quote accepted"),
                "repair_quote_declined": _("Quote declined"),
                "repair_quote_withdrawn": _("Quote withdrawn"),
                "repair_charge_recorded": _("Final amount of the repair recorded"),
                "repair_charge_posted": _("Repair charged to the unit's account"),
            }
        )

    def seed_demo(self, estate, *, rng) -> int:
        """Called by `seed_demo` for each estate: fee standards and one issued month."""
        from .demo import seed_billing, seed_meters

        return seed_billing(estate, rng=rng) + seed_meters(estate, rng=rng)
