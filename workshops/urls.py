from django.urls import path

from .views import curriculum, preview, questions, scheduling

app_name = "workshops"
urlpatterns = [
    path("curriculum/", curriculum.module_list, name="module_list"),
    path("curriculum/new/", curriculum.module_create, name="module_create"),
    path("curriculum/preview/", preview.markdown_preview, name="markdown_preview"),
    path("curriculum/review/", curriculum.review_queue, name="review_queue"),
    path("curriculum/tracks/", curriculum.track_list, name="track_list"),
    path("curriculum/tracks/<int:pk>/edit/", curriculum.track_edit, name="track_edit"),
    path("curriculum/<int:pk>/", curriculum.module_detail, name="module_detail"),
    path("curriculum/<int:pk>/edit/", curriculum.module_edit, name="module_edit"),
    path(
        "curriculum/<int:pk>/revisions/<int:number>/",
        curriculum.revision_detail,
        name="revision_detail",
    ),
    path("curriculum/<int:pk>/diff/", curriculum.revision_diff, name="revision_diff"),
    path(
        "curriculum/<int:pk>/workflow/<slug:action>/",
        curriculum.module_transition,
        name="module_transition",
    ),
    path("curriculum/<int:pk>/materials/new/", curriculum.material_upload, name="material_upload"),
    path("curriculum/<int:pk>/questions/new/", questions.question_create, name="question_create"),
    path("questions/<int:pk>/edit/", questions.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", questions.question_delete, name="question_delete"),
    path("questions/<int:pk>/move/", questions.question_move, name="question_move"),
    path("materials/<int:pk>/delete/", curriculum.material_delete, name="material_delete"),
    path("materials/<int:pk>/download/", curriculum.material_download, name="material_download"),
    path("library/", curriculum.library, name="library"),
    path("library/<slug:slug>/", curriculum.library_module, name="library_module"),
    path("workshops/", scheduling.catalog, name="catalog"),
    path("workshops/<int:pk>/", scheduling.workshop_detail, name="workshop_detail"),
    path("my-workshops/", scheduling.my_workshops, name="my_workshops"),
    path("schedule/", scheduling.schedule_list, name="schedule"),
    path("schedule/calendar/", scheduling.schedule_calendar, name="schedule_calendar"),
    path("schedule/new/", scheduling.workshop_create, name="workshop_create"),
    path("schedule/<int:pk>/edit/", scheduling.workshop_edit, name="workshop_edit"),
    path("schedule/<int:pk>/duplicate/", scheduling.workshop_duplicate, name="workshop_duplicate"),
    path("schedule/<int:pk>/publish/", scheduling.workshop_publish, name="workshop_publish"),
    path("schedule/<int:pk>/cancel/", scheduling.workshop_cancel, name="workshop_cancel"),
]
