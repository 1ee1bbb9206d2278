"""Complaints in the Django admin: to look, never to change. Every change goes through
complaints.services (checked, locked, on the timeline) from the staff pages."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Complaint, ContactLog, DeadlineRule, Notice, PreventionAction


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("id", "estate", "kind", "category", "status", "responsible", "filed_at")
    list_filter = ("status", "kind", "category", "estate")
    # Not the complainant: an anonymous complaint names them to the estate manager only.
    exclude = ("complainant", "contact_name", "contact_phone")


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(ReadOnlyAdmin):
    list_display = ("estate", "category", "acknowledge_hours", "resolve_days")


@admin.register(PreventionAction)
class PreventionActionAdmin(ReadOnlyAdmin):
    list_display = ("estate", "category", "owner", "due_date", "done_at")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "estate", "publish_at", "expires_at")


@admin.register(ContactLog)
class ContactLogAdmin(ReadOnlyAdmin):
    list_display = ("person", "estate", "kind", "happened_at", "by")
