"""Account pages (session login and logout, sign up, verification, password reset)."""

app_name = "accounts"
urlpatterns: list = []
