from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("personer/", views.people, name="people"),
    path("personer/<str:username>/", views.person, name="person"),
    path("personer/<str:username>/utbildning/", views.add_training, name="add_training"),
    path("personer/<str:username>/franvaro/", views.add_absence, name="add_absence"),
    path("personer/<str:username>/roller/", views.add_grant, name="add_grant"),
    path("personer/<str:username>/roller/<int:grant_id>/ta-bort/", views.revoke_grant, name="revoke_grant"),
    path("personer/<str:username>/slutat/", views.mark_left, name="mark_left"),
]
