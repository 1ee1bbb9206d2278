"""Owner pages of complaints (under /portal/complaints/), in the owner scope of estates.owners."""

from django.urls import path

from .views import notices, owner

app_name = "portal_complaints"

urlpatterns = [
    path("", owner.my_complaints, name="my_complaints"),
    path("notices/", notices.my_notices, name="my_notices"),
    path("notices/<int:notice_pk>/", notices.my_notice, name="my_notice"),
    path("new/", owner.file_complaint, name="file_complaint"),
    path("<int:complaint_pk>/", owner.complaint_detail, name="complaint_detail"),
    path("<int:complaint_pk>/do/<slug:owner_step>/", owner.complaint_step, name="complaint_step"),
    path(
        "<int:complaint_pk>/photos/<int:attachment_pk>/",
        owner.complaint_photo,
        name="complaint_photo",
    ),  # fmt: skip
]
