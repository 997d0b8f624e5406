from django.urls import path

from . import results_views

app_name = "assessment_results"
urlpatterns = [
    path("assessments/workshops/<int:pk>/results/", results_views.results, name="results"),
    path(
        "assessments/workshops/<int:pk>/results/scores.csv",
        results_views.scores_csv,
        name="scores_csv",
    ),
]
