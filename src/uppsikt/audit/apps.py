from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "uppsikt.audit"
    label = "audit"
    verbose_name = "Granskningslogg"
