from django.contrib import admin

from .models import FollowUp, SlaPolicy, Ticket, TicketMaterial, TicketPhoto


class MaterialInline(admin.TabularInline):
    model = TicketMaterial
    extra = 0


class PhotoInline(admin.TabularInline):
    model = TicketPhoto
    extra = 0


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through maintenance.services, not the admin."""

    list_display = (
        "number",
        "estate",
        "category",
        "priority",
        "status",
        "technician",
        "reported_at",
    )
    list_filter = ("estate", "status", "priority", "category")
    search_fields = ("number", "description", "contact_phone")
    raw_id_fields = (
        "unit",
        "building",
        "equipment",
        "reporter",
        "technician",
        "duplicate_of",
        "created_by",
    )
    readonly_fields = ("status", "version", "technician", "amount")
    inlines = [MaterialInline, PhotoInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "estate",
        "priority",
        "category",
        "response_minutes",
        "onsite_minutes",
        "completion_minutes",
    )
    list_filter = ("estate",)


admin.site.register(FollowUp)
