from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "uppsikt.triage"
    label = "triage"
    verbose_name = "Bedömning"
