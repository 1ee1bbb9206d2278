"""Staff pages of billing (under /staff/billing/)."""

app_name = "billing"

urlpatterns = []
