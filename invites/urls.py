from django.urls import path

from . import views

app_name = "invites"
urlpatterns = [
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="feed"),
    path("calendar/subscription/", views.subscription, name="subscription"),
    path("calendar/subscription/reset/", views.reset_subscription, name="reset_subscription"),
    path("calendar/workshops/<int:pk>/", views.workshop_calendar, name="workshop_calendar"),
    path("calendar/workshops/<int:pk>/sessions.ics", views.workshop_ics, name="workshop_ics"),
]
