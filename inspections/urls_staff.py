"""Staff pages of inspections (under /staff/inspections/)."""

app_name = "inspections"

urlpatterns = []
