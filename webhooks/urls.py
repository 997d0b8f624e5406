from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.endpoint_list, name="list"),
    path("webhooks/<int:pk>/", views.endpoint_detail, name="detail"),
    path("webhooks/<int:pk>/edit/", views.edit, name="edit"),
    path("webhooks/<int:pk>/rotate/", views.rotate, name="rotate"),
    path("webhooks/<int:pk>/active/", views.toggle, name="toggle"),
    path("webhooks/<int:pk>/test/", views.ping, name="ping"),
    path("webhooks/<int:pk>/delete/", views.delete, name="delete"),
    path("webhooks/deliveries/<int:pk>/send-again/", views.redeliver, name="redeliver"),
]
