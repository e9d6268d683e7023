from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "uppsikt.records"
    label = "records"
    verbose_name = "Allmänna handlingar"
