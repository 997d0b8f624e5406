from django.urls import path

from .views import editor, officer, results

app_name = "surveys"
urlpatterns = [
    # Coordinators and program administrators.
    path("questionnaires/", editor.questionnaires, name="questionnaires"),
    path("questionnaires/new/", editor.questionnaire_create, name="questionnaire_create"),
    path("questionnaires/<int:pk>/", editor.questionnaire_edit, name="questionnaire_edit"),
    path(
        "questionnaires/<int:pk>/versions/<int:number>/",
        editor.questionnaire_version,
        name="questionnaire_version",
    ),
    # Trainers and coordinators of the workshop.
    path(
        "attendance/workshops/<int:pk>/feedback/",
        results.feedback_results,
        name="feedback_results",
    ),
    # Officers.
    path("my-training/feedback/<int:pk>/", officer.feedback, name="feedback"),
    path("my-training/follow-up/<int:pk>/", officer.follow_up, name="follow_up"),
]
