from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "qingyuan.demo"
    verbose_name = "Demo county"
