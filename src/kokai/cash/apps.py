from django.apps import AppConfig


class CashConfig(AppConfig):
    name = "kokai.cash"
    label = "cash"
    verbose_name = "歳入歳出データ"
