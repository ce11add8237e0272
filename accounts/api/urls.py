"""Auth API routes under /api/v1/auth/."""

urlpatterns: list = []
