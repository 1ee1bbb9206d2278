"""Staff pages of complaints (under /staff/complaints/)."""

from django.urls import path

from .views import contacts, export, notices, repairs, staff, summary

app_name = "complaints"

urlpatterns = [
    path("", staff.complaint_board, name="complaint_board"),
    path("new/", staff.complaint_create, name="complaint_create"),
    path("export.xlsx", export.complaint_export, name="complaint_export"),
    path("repairs/", repairs.repairs_to_review, name="repairs_to_review"),
    path(
        "repairs/<int:ticket_pk>/complain/",
        repairs.complaint_from_ticket,
        name="complaint_from_ticket",
    ),  # fmt: skip
    path(
        "follow-ups/<int:follow_up_pk>/classify/",
        repairs.classify_follow_up,
        name="classify_follow_up",
    ),
    path("summary/", summary.case_summary, name="case_summary"),
    path("summary.pdf", summary.case_summary_pdf, name="case_summary_pdf"),
    path("prevention/new/", summary.prevention_add, name="prevention_add"),
    path(
        "prevention/<int:prevention_pk>/done/", summary.prevention_done, name="prevention_done"
    ),  # fmt: skip
    path("deadlines/", summary.deadline_settings, name="deadline_settings"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_create, name="notice_create"),
    path("notices/<int:notice_pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:notice_pk>/take-down/", notices.notice_expire, name="notice_expire"),
    path("people/<int:person_pk>/contacts/", contacts.contact_add, name="contact_add"),
    path("<int:complaint_pk>/", staff.complaint_detail, name="complaint_detail"),
    path("<int:complaint_pk>/do/<slug:step>/", staff.complaint_action, name="complaint_action"),
    path(
        "<int:complaint_pk>/photos/<int:attachment_pk>/",
        staff.complaint_photo,
        name="complaint_photo",
    ),  # fmt: skip
]
