"""API matrix routes: modules, agencies' officers, report figures."""

from tests.api.routes import Route

ROUTES: dict[str, Route] = {}
