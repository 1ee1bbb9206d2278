"""Owner pages of surveys (under /portal/surveys/), in the owner scope of estates.owners."""

from django.urls import path

from .views import owner

app_name = "portal_surveys"

urlpatterns = [
    path("", owner.my_surveys, name="my_surveys"),
    path("<int:survey_pk>/", owner.answer, name="answer"),
]
