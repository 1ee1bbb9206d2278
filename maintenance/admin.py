"""Repairs in the Django admin: to look, never to change. Priority, deadlines, overdue
flags, labour, materials and their prices, ratings, follow-ups and deadline policies change
only through maintenance.services and maintenance.sla (checked, locked, on the timeline):
the staff pages (ticket actions, the estate's deadlines page) are where they are edited."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import FollowUp, SlaPolicy, Ticket, TicketMaterial, TicketPhoto, TicketReminder


class MaterialInline(ReadOnlyInline):
    model = TicketMaterial


class PhotoInline(ReadOnlyInline):
    """Photos are added through core.attachments (checked, re-encoded) and seen through the
    scoped photo view: the raw file is not offered here."""

    model = TicketPhoto
    fields = readonly_fields = (
        "kind",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
    )


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
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
    inlines = [MaterialInline, PhotoInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReadOnlyAdmin):
    list_display = (
        "estate",
        "priority",
        "category",
        "response_minutes",
        "onsite_minutes",
        "completion_minutes",
    )
    list_filter = ("estate",)


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "method", "rating", "by")
    raw_id_fields = ("ticket", "by")


@admin.register(TicketReminder)
class TicketReminderAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "deadline", "created_at")
