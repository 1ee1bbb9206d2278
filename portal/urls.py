from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_pk>/", views.unit_detail, name="unit_detail"),
    path("profile/", views.profile, name="profile"),
    path("inbox/", views.inbox, name="inbox"),
    path("activate/", views.activate_with_code, name="activate_code"),
    path("activate/password/", views.activate_set_password, name="activate_password"),
    path("activate/<str:token>/", views.activate_with_link, name="activate"),
]
