from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ovp.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
