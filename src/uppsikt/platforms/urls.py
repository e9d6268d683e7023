from django.urls import path

from .webhooks import meta_webhook

app_name = "platforms"

urlpatterns = [
    path("meta/", meta_webhook, name="meta-webhook"),
]
