from .curriculum import Material, Module, ModuleRevision, Track, prerequisites_required
from .downloads import MaterialDownload
from .questions import Question
from .workshop import Workshop, WorkshopModule, WorkshopSession

__all__ = [
    "Material",
    "MaterialDownload",
    "Module",
    "ModuleRevision",
    "Question",
    "Track",
    "Workshop",
    "WorkshopModule",
    "WorkshopSession",
    "prerequisites_required",
]
