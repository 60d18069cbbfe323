from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "kokai.assets"
    label = "assets"
    verbose_name = "固定資産台帳"
