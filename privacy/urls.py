from django.urls import path

from . import views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("my-data/erase/", views.my_data_erase, name="my_data_erase"),
    path("officers/<int:pk>/privacy/", views.officer_privacy, name="officer_privacy"),
]
