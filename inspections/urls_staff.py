"""Staff pages of inspections (under /staff/inspections/)."""

from django.urls import path

from .views import calendar, offline, printing, rounds, setup, stats, sync, upkeep

app_name = "inspections"

urlpatterns = [
    path("", rounds.round_list, name="round_list"),
    path("today/", rounds.today, name="today"),
    path("export.xlsx", rounds.round_export, name="round_export"),
    path("sync/", sync.answers_sync, name="sync"),
    path("sw.js", offline.service_worker, name="sw"),
    path(
        "report/<int:year>-<int:month>.pdf", printing.monthly_report_pdf, name="monthly_report_pdf"
    ),
    path(
        "report/<int:year>-<int:month>-<int:day>.pdf",
        printing.daily_report_pdf,
        name="daily_report_pdf",
    ),
    path("statistics/", stats.statistics, name="statistics"),
    path("rounds/<int:round_pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_pk>/do/<slug:step>/", rounds.round_step, name="round_step"),
    path("rounds/<int:round_pk>/scan/", rounds.round_scan, name="round_scan"),
    path(
        "rounds/<int:round_pk>/checkpoints/<int:checkpoint_pk>/",
        rounds.round_checkpoint,
        name="round_checkpoint",
    ),
    path(
        "rounds/<int:round_pk>/answers/<int:answer_pk>/photo/",
        rounds.answer_photo,
        name="answer_photo",
    ),
    path("c/<slug:code>/", rounds.checkpoint_scan, name="checkpoint_scan"),
    path("checkpoints/", setup.checkpoint_list, name="checkpoint_list"),
    path("checkpoints/new/", setup.checkpoint_create, name="checkpoint_create"),
    path("checkpoints/labels/", printing.checkpoint_labels, name="checkpoint_labels"),
    path("checkpoints/<int:checkpoint_pk>/", setup.checkpoint_detail, name="checkpoint_detail"),
    path("checkpoints/<int:checkpoint_pk>/edit/", setup.checkpoint_edit, name="checkpoint_edit"),
    path(
        "checkpoints/<int:checkpoint_pk>/label/", printing.checkpoint_label, name="checkpoint_label"
    ),
    path("routes/", setup.route_list, name="route_list"),
    path("routes/new/", setup.route_create, name="route_create"),
    path("routes/<int:route_pk>/", setup.route_detail, name="route_detail"),
    path("routes/<int:route_pk>/edit/", setup.route_edit, name="route_edit"),
    path("holidays/", calendar.holiday_list, name="holiday_list"),
    path("holidays/<int:holiday_pk>/delete/", calendar.holiday_delete, name="holiday_delete"),
    path("checklists/", calendar.template_list, name="template_list"),
    path("checklists/<slug:equipment_category>/", calendar.template_edit, name="template_edit"),
    path("plans/", setup.plan_list, name="plan_list"),
    path("plans/new/", setup.plan_create, name="plan_create"),
    path("plans/<int:plan_pk>/", setup.plan_detail, name="plan_detail"),
    path("plans/<int:plan_pk>/edit/", setup.plan_edit, name="plan_edit"),
    path("upkeep/", upkeep.upkeep_task_list, name="upkeep_task_list"),
    path("upkeep/plans/", upkeep.upkeep_plan_list, name="upkeep_plan_list"),
    path("upkeep/plans/new/", upkeep.upkeep_plan_create, name="upkeep_plan_create"),
    path(
        "upkeep/plans/<int:upkeep_plan_pk>/",
        upkeep.upkeep_plan_detail,
        name="upkeep_plan_detail",
    ),
    path(
        "upkeep/plans/<int:upkeep_plan_pk>/edit/",
        upkeep.upkeep_plan_edit,
        name="upkeep_plan_edit",
    ),
    path(
        "upkeep/tasks/<int:upkeep_task_pk>/", upkeep.upkeep_task_detail, name="upkeep_task_detail"
    ),
    path(
        "upkeep/tasks/<int:upkeep_task_pk>/do/<slug:upkeep_step>/",
        upkeep.upkeep_task_step,
        name="upkeep_task_step",
    ),
    path(
        "upkeep/tasks/<int:upkeep_task_pk>/photos/<int:upkeep_photo_pk>/",
        upkeep.upkeep_photo,
        name="upkeep_photo",
    ),
]
