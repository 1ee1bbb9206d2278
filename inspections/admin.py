"""Inspections in the Django admin: to look, never to change. Rounds change state only
through inspections.services; checkpoints, routes, plans, holidays and the check item
templates per equipment category are edited on the staff pages (checked, on the timeline)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Answer,
    CheckItem,
    CheckItemTemplate,
    Checkpoint,
    Finding,
    Holiday,
    Plan,
    Round,
    Route,
    RouteStop,
)


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyAdmin):
    list_display = ("date", "name", "estate")
    list_filter = ("estate",)


@admin.register(CheckItemTemplate)
class CheckItemTemplateAdmin(ReadOnlyAdmin):
    list_display = ("category", "position", "label", "kind", "min_value", "max_value", "unit")
    list_filter = ("category", "kind")


class CheckItemInline(ReadOnlyInline):
    model = CheckItem


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("name", "estate", "code", "equipment", "require_scan", "is_active")
    list_filter = ("estate", "require_scan")
    search_fields = ("name", "code", "place")
    inlines = [CheckItemInline]


class StopInline(ReadOnlyInline):
    model = RouteStop


@admin.register(Route)
class RouteAdmin(ReadOnlyAdmin):
    list_display = ("name", "estate", "enforce_order", "is_active")
    inlines = [StopInline]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("name", "estate", "route", "recurrence", "start_date", "end_date", "is_active")
    list_filter = ("estate", "recurrence")


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("plan", "estate", "window_start", "window_end", "assignee", "status")
    list_filter = ("estate", "status")
    raw_id_fields = ("plan", "route", "assignee", "finished_by")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("round", "checkpoint", "item", "value", "abnormal", "taken_at", "by")
    raw_id_fields = ("round", "checkpoint", "item", "by")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("checkpoint", "item", "status", "ticket", "created_at", "closed_at")
    list_filter = ("estate", "status")
