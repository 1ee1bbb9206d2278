from django.urls import path

from .views import owner, photos

app_name = "repairs"

urlpatterns = [
    path("", owner.my_tickets, name="my_tickets"),
    path("new/", owner.report, name="report"),
    path("<int:ticket_pk>/", owner.ticket_detail, name="ticket_detail"),
    path("<int:ticket_pk>/photos/<int:photo_pk>/", photos.owner_photo, name="ticket_photo"),
    path("<int:ticket_pk>/rate/", owner.rate, name="rate"),
    path("<int:ticket_pk>/urge/", owner.urge, name="urge"),
    path("<int:ticket_pk>/cancel/", owner.cancel, name="cancel"),
    path("<int:ticket_pk>/verify/", owner.verify, name="verify"),
]
