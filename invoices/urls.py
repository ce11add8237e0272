"""Invoice pages."""

urlpatterns: list = []
