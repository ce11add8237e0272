"""Account pages (session login and logout, sign up, verification, password reset)."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginPageView.as_view(), name="login"),
    path("logout/", views.LogoutPageView.as_view(), name="logout"),
    path("register/", views.RegisterPageView.as_view(), name="register"),
    path("resend-verification/", views.VerificationResendPageView.as_view(), name="verification_resend"),
    path("verify/<str:token>/", views.VerifyEmailPageView.as_view(), name="verify"),
    path("password-reset/", views.PasswordResetRequestPageView.as_view(), name="password_reset"),
    path("password-reset/<str:token>/", views.PasswordResetConfirmPageView.as_view(), name="password_reset_confirm"),
]
