"""Staff pages of surveys (under /staff/surveys/)."""

app_name = "surveys"

urlpatterns = []
