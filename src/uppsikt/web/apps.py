from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "uppsikt.web"
    label = "web"
    verbose_name = "Webb"
