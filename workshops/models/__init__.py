from .curriculum import Material, Module, ModuleRevision, Track, prerequisites_required
from .downloads import MaterialDownload
from .workshop import Workshop, WorkshopModule, WorkshopSession

__all__ = [
    "Material",
    "MaterialDownload",
    "Module",
    "ModuleRevision",
    "Track",
    "Workshop",
    "WorkshopModule",
    "WorkshopSession",
    "prerequisites_required",
]
