"""The Django admin is for looking, not for changing domain records: every state change,
price, deadline and rating goes through a service that checks, locks and audits. Domain
models are registered with ReadOnlyAdmin (or ReadOnlyInline). The one editable model is
the user (company administrators fix logins), and each change there is on the user's
timeline."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .audit import record_event
from .models import AuditEvent, Notification, OutboxMessage, User


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Lists, search and the record's fields; no add, change or delete (not even in bulk:
    Django offers no delete action without the delete permission)."""


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


SECRET_FIELDS = {"password", "password1", "password2"}


def _shown(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "__iter__"):
        return ", ".join(str(v) for v in value)
    return str(value)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Editable (logins are fixed here), audited: who changed which field from what to what;
    a password is recorded as set, never shown. Users are deactivated, not deleted."""

    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Anju"), {"fields": ("display_name", "mobile", "language", "is_company_admin")}),
    )
    list_display = ("username", "display_name", "email", "is_company_admin", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changed = [name for name in form.changed_data if name not in SECRET_FIELDS]
        before = {name: _shown(form.initial.get(name)) for name in changed}
        super().save_model(request, obj, form, change)
        changes = {
            name: [before[name] if change else None, _shown(form.cleaned_data.get(name))]
            for name in changed
        }
        verb = "admin_changed" if change else "admin_created"
        record_event(obj, actor=request.user, verb=verb, changes=changes)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            record_event(user, actor=request.user, verb="admin_password_set")
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "content_type", "object_id", "verb", "actor")
    list_filter = ("verb", "content_type")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "title", "read_at", "emailed_at")
    raw_id_fields = ("recipient",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """To see what waits for the broker (and why); rows are written by core.outbox only."""

    list_display = ("created_at", "task", "sent_at", "attempts", "next_attempt_at", "last_error")
    list_filter = ("task", ("sent_at", admin.EmptyFieldListFilter))
