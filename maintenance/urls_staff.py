from django.urls import path

from .views import actions, board, export, photos, printing, scan, settings, tickets

app_name = "maintenance"

urlpatterns = [
    path("", board.ticket_board, name="ticket_board"),
    path("new/", tickets.ticket_create, name="ticket_create"),
    path("export.xlsx", export.ticket_export, name="ticket_export"),
    path("my-jobs/", actions.my_jobs, name="my_jobs"),
    path("deadlines/", settings.sla_settings, name="sla_settings"),
    path(
        "report/<int:year>-<int:month>.pdf", printing.monthly_report_pdf, name="monthly_report_pdf"
    ),
    path("<int:ticket_pk>/", tickets.ticket_detail, name="ticket_detail"),
    path("<int:ticket_pk>/do/<slug:action>/", actions.ticket_action, name="ticket_action"),
    path("<int:ticket_pk>/photos/<int:photo_pk>/", photos.staff_photo, name="ticket_photo"),
    path("<int:ticket_pk>/work-order.pdf", printing.work_order_pdf, name="work_order_pdf"),
    path("scan/equipment/<int:equipment_pk>/", scan.scan_equipment, name="scan_equipment"),
    path("scan/building/<int:building_pk>/", scan.scan_building, name="scan_building"),
]
