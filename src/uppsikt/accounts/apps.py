from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "uppsikt.accounts"
    label = "accounts"
    verbose_name = "Personer och enheter"
