"""Shared infrastructure below every domain app: it imports none of them."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"
