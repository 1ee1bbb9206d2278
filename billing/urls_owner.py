"""Owner pages of billing (under /portal/billing/), in the owner scope of estates.owners."""

app_name = "portal_billing"

urlpatterns = []
