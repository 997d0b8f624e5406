app_name = "invites"
urlpatterns: list = []
