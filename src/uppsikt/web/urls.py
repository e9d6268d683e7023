from django.urls import path

from . import auth, views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("logga-in/", auth.login_view, name="login"),
    path("logga-in/tvastegs/", auth.otp_setup, name="otp_setup"),
    path("logga-ut/", views.logout_view, name="logout"),
]
