from django.urls import path

from .views import officer, staff

app_name = "assessments"
urlpatterns = [
    # Officers.
    path("my-training/tests/<int:pk>/", officer.test_detail, name="test"),
    path("my-training/tests/<int:pk>/start/", officer.start, name="start"),
    path("my-training/attempts/<int:pk>/", officer.attempt_page, name="attempt"),
    path("my-training/attempts/<int:pk>/answer/", officer.answer, name="answer"),
    path("my-training/attempts/<int:pk>/result/", officer.result, name="result"),
    # Trainers (who see) and coordinators (who set up).
    path("manage/workshops/<int:pk>/tests/", staff.workshop_tests, name="workshop_tests"),
    path("manage/workshops/<int:pk>/tests/<str:kind>/", staff.configure, name="configure"),
    path("manage/workshops/<int:pk>/tests/<str:kind>/remove/", staff.remove, name="remove"),
]
