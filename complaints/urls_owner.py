"""Owner pages of complaints (under /portal/complaints/), in the owner scope of estates.owners."""

app_name = "portal_complaints"

urlpatterns = []
