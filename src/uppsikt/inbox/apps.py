from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "uppsikt.inbox"
    label = "inbox"
    verbose_name = "Inkorg"
