from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("workshops/<int:workshop_pk>/register/", views.register, name="register"),
    path("my-training/", views.my_training, name="my_training"),
    path("my-training/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("my-training/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("my-training/<int:pk>/leave-waitlist/", views.leave_waitlist, name="leave_waitlist"),
    path(
        "manage/workshops/<int:workshop_pk>/registrations/",
        views.workshop_registrations,
        name="workshop_registrations",
    ),
    path("manage/registrations/<int:pk>/decide/", views.decide, name="decide"),
    path("nominations/", views.nominations, name="nominations"),
    path("nominations/<int:pk>/decide/", views.nomination_decide, name="nomination_decide"),
]
