from .urls_curriculum import urlpatterns as curriculum_urlpatterns
from .urls_scheduling import urlpatterns as scheduling_urlpatterns

app_name = "workshops"
urlpatterns = curriculum_urlpatterns + scheduling_urlpatterns
