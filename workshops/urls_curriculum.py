from django.urls import path

from .views import curriculum as views

urlpatterns = [
    path("curriculum/", views.module_list, name="module_list"),
    path("curriculum/new/", views.module_create, name="module_create"),
    path("curriculum/review/", views.review_queue, name="review_queue"),
    path("curriculum/tracks/", views.track_list, name="track_list"),
    path("curriculum/tracks/<int:pk>/edit/", views.track_edit, name="track_edit"),
    path("curriculum/<int:pk>/", views.module_detail, name="module_detail"),
    path("curriculum/<int:pk>/edit/", views.module_edit, name="module_edit"),
    path(
        "curriculum/<int:pk>/revisions/<int:number>/",
        views.revision_detail,
        name="revision_detail",
    ),
    path("curriculum/<int:pk>/diff/", views.revision_diff, name="revision_diff"),
    path(
        "curriculum/<int:pk>/workflow/<slug:action>/",
        views.module_transition,
        name="module_transition",
    ),
    path("curriculum/<int:pk>/materials/new/", views.material_upload, name="material_upload"),
    path("materials/<int:pk>/delete/", views.material_delete, name="material_delete"),
    path("materials/<int:pk>/download/", views.material_download, name="material_download"),
    path("library/", views.library, name="library"),
    path("library/<slug:slug>/", views.library_module, name="library_module"),
]
