from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from estates.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.language_switch, name="set_language"),
    path("accounts/", include("core.urls_accounts")),
    path("staff/repairs/", include("maintenance.urls_staff", namespace="maintenance")),
    path("staff/inspections/", include("inspections.urls_staff", namespace="inspections")),
    path("staff/complaints/", include("complaints.urls_staff", namespace="complaints")),
    path("staff/surveys/", include("surveys.urls_staff", namespace="surveys")),
    path("staff/billing/", include("billing.urls_staff", namespace="billing")),
    path("staff/", include("portal.urls_staff", namespace="invitations")),
    path("staff/", include("estates.urls", namespace="staff")),
    path("portal/repairs/", include("maintenance.urls_owner", namespace="repairs")),
    path("portal/complaints/", include("complaints.urls_owner", namespace="portal_complaints")),
    path("portal/surveys/", include("surveys.urls_owner", namespace="portal_surveys")),
    path("portal/billing/", include("billing.urls_owner", namespace="portal_billing")),
    path("portal/", include("portal.urls", namespace="portal")),
    path("admin/", admin.site.urls),
]

# No /media/ route, not even with DEBUG: uploads are private and served only by views that
# check the object's scope (core.attachments.attachment_response).
urlpatterns += [
    path(
        "inbox/<int:notification_pk>/open/", core_views.notification_open, name="notification_open"
    ),
    path("inbox/read-all/", core_views.notifications_read_all, name="notifications_read_all"),
]
