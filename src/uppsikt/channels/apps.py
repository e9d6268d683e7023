from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "uppsikt.channels"
    label = "channels"
    verbose_name = "Kanaler"
