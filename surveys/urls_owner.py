"""Owner pages of surveys (under /portal/surveys/), in the owner scope of estates.owners."""

app_name = "portal_surveys"

urlpatterns = []
