"""API matrix routes: registrations, attendance, completions, certificates."""

from tests.api.routes import Route

ROUTES: dict[str, Route] = {}
