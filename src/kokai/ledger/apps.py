from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "kokai.ledger"
    label = "ledger"
    verbose_name = "会計帳簿"
