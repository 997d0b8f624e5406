from django.urls import path

from . import views

app_name = "outbox"
urlpatterns = [
    path("deliveries/failed/", views.failed_deliveries, name="failed"),
    path("deliveries/<int:pk>/retry/", views.retry, name="retry"),
]
