from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "uppsikt.platforms"
    label = "platforms"
    verbose_name = "Plattformar"
