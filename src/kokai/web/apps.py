from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kokai.web"
    label = "web"
    verbose_name = "画面"
