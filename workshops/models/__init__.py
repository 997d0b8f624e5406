from .curriculum import Material, Module, ModuleRevision, Track
from .workshop import Workshop, WorkshopModule, WorkshopSession

__all__ = [
    "Material",
    "Module",
    "ModuleRevision",
    "Track",
    "Workshop",
    "WorkshopModule",
    "WorkshopSession",
]
