"""Staff pages of complaints (under /staff/complaints/)."""

app_name = "complaints"

urlpatterns = []
