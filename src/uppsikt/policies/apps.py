from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "uppsikt.policies"
    label = "policies"
    verbose_name = "Riktlinjer"
