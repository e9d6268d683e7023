from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("kanaler/<slug:slug>/poster/", views.channel_items, name="channel_items"),
]
