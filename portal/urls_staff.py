"""The portal's pages on the staff side (under /staff/): inviting owners."""

from django.urls import path

from . import views_staff

app_name = "invitations"

urlpatterns = [
    path("people/<int:person_pk>/invite/", views_staff.person_invite, name="person_invite"),
]
