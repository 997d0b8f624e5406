"""API matrix routes: modules, agencies' officers, report figures."""

from tests.api.routes import COORDINATORS_OF_REGION, EVERYONE, L, Route

# Whose pages list agency A's officers: its focal point, its region's coordinator, the admin.
RECORD_OF_AGENCY_A = frozenset({"focal_a"}) | COORDINATORS_OF_REGION
LISTS_OFFICERS = frozenset({"focal_a", "focal_b", "coord_a", "coord_b", "admin"})
COORDINATORS = frozenset({"coord_a", "coord_b", "admin"})

ROUTES: dict[str, Route] = {
    "api:module-list": L((lambda w: w.module, EVERYONE)),
    "api:module-detail": Route(kwargs=lambda w: {"pk": w.module.pk}),
    # Officers and trainers have no page listing officers: 403.
    "api:officer-list": L(
        (lambda w: w.officer, RECORD_OF_AGENCY_A),
        (lambda w: w.users["officer_b"], frozenset({"focal_b", "coord_b", "admin"})),
        ok=LISTS_OFFICERS,
        denied=(403,),
    ),
    "api:officer-detail": Route(kwargs=lambda w: {"pk": w.officer.pk}, ok=RECORD_OF_AGENCY_A),
    "api:report-figures": Route(ok=COORDINATORS, denied=(403,)),
}
