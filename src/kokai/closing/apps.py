from django.apps import AppConfig


class ClosingConfig(AppConfig):
    name = "kokai.closing"
    label = "closing"
    verbose_name = "決算整理"
