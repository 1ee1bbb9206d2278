"""Staff pages of surveys (under /staff/surveys/)."""

from django.urls import path

from .views import entry, follow_ups, results, surveys

app_name = "surveys"

urlpatterns = [
    path("", surveys.survey_list, name="survey_list"),
    path("new/", surveys.survey_create, name="survey_create"),
    path("<int:survey_pk>/", surveys.survey_detail, name="survey_detail"),
    path("<int:survey_pk>/edit/", surveys.survey_edit, name="survey_edit"),
    path("<int:survey_pk>/sections/", surveys.section_add, name="section_add"),
    path(
        "<int:survey_pk>/sections/<int:section_pk>/delete/",
        surveys.section_delete,
        name="section_delete",
    ),
    path("<int:survey_pk>/questions/", surveys.question_add, name="question_add"),
    path(
        "<int:survey_pk>/questions/<int:question_pk>/delete/",
        surveys.question_delete,
        name="question_delete",
    ),
    path(
        "<int:survey_pk>/questions/<int:question_pk>/move/",
        surveys.question_move,
        name="question_move",
    ),
    path(
        "<int:survey_pk>/questions/<int:question_pk>/options/",
        surveys.choice_add,
        name="choice_add",
    ),
    path("<int:survey_pk>/publish/", surveys.survey_publish, name="survey_publish"),
    path("<int:survey_pk>/close/", surveys.survey_close, name="survey_close"),
    path("<int:survey_pk>/copy/", surveys.survey_copy, name="survey_copy"),
    path("<int:survey_pk>/paper/", entry.paper_entry, name="paper_entry"),
    path("<int:survey_pk>/results/", results.survey_results_page, name="survey_results"),
    path("<int:survey_pk>/results.pdf", results.survey_results_pdf, name="survey_results_pdf"),
    path("<int:survey_pk>/results.xlsx", results.survey_results_xlsx, name="survey_results_xlsx"),
    path("follow-ups/", follow_ups.followup_list, name="followup_list"),
    path("follow-ups/<int:followup_pk>/", follow_ups.followup_detail, name="followup_detail"),
    path(
        "follow-ups/<int:followup_pk>/assign/", follow_ups.followup_assign, name="followup_assign"
    ),
    path("follow-ups/<int:followup_pk>/done/", follow_ups.followup_done, name="followup_done"),
    path(
        "follow-ups/<int:followup_pk>/reopen/", follow_ups.followup_reopen, name="followup_reopen"
    ),
]
