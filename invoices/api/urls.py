"""Invoice and customer API routes."""

urlpatterns: list = []
