from django.urls import path

from .views import nominations, prerequisites, registration, reservations

app_name = "registration"

urlpatterns = [
    path("workshops/<int:workshop_pk>/register/", registration.register, name="register"),
    path("my-training/", registration.my_training, name="my_training"),
    path("my-training/<int:pk>/cancel/", registration.cancel, name="cancel"),
    path("my-training/<int:pk>/withdraw/", registration.withdraw, name="withdraw"),
    path(
        "my-training/<int:pk>/leave-waitlist/",
        registration.leave_waitlist,
        name="leave_waitlist",
    ),
    path(
        "my-training/<int:pk>/nomination/",
        nominations.nomination_answer,
        name="nomination_answer",
    ),
    path(
        "manage/workshops/<int:workshop_pk>/registrations/",
        registration.workshop_registrations,
        name="workshop_registrations",
    ),
    path("manage/registrations/<int:pk>/decide/", registration.decide, name="decide"),
    path(
        "manage/workshops/<int:workshop_pk>/reservations/",
        reservations.reserve_seats,
        name="reserve_seats",
    ),
    path(
        "manage/reservations/<int:pk>/release/",
        reservations.reservation_release,
        name="reservation_release",
    ),
    path(
        "manage/workshops/<int:workshop_pk>/prerequisite-waivers/",
        prerequisites.prerequisite_waiver,
        name="prerequisite_waiver",
    ),
    path(
        "manage/prerequisite-waivers/<int:pk>/revoke/",
        prerequisites.prerequisite_waiver_revoke,
        name="prerequisite_waiver_revoke",
    ),
    path("nominations/", nominations.nominations, name="nominations"),
    path("nominations/new/", nominations.nominate, name="nominate"),
    path("nominations/<int:pk>/decide/", nominations.nomination_decide, name="nomination_decide"),
]
