from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.logout_view, name="logout"),
]
