from django.urls import path

from .views import scheduling as views

urlpatterns = [
    path("workshops/", views.catalog, name="catalog"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("my-workshops/", views.my_workshops, name="my_workshops"),
    path("schedule/", views.schedule_list, name="schedule"),
    path("schedule/calendar/", views.schedule_calendar, name="schedule_calendar"),
    path("schedule/new/", views.workshop_create, name="workshop_create"),
    path("schedule/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("schedule/<int:pk>/duplicate/", views.workshop_duplicate, name="workshop_duplicate"),
    path("schedule/<int:pk>/publish/", views.workshop_publish, name="workshop_publish"),
    path("schedule/<int:pk>/cancel/", views.workshop_cancel, name="workshop_cancel"),
]
