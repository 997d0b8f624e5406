from . import admin_scheduling  # noqa: F401
