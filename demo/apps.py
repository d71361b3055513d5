from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo content `make run` seeds (seed_demo): people, a coach and
    reflections at every stage. Built on every other app; nothing imports it."""

    name = "demo"
