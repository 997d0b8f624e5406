from .curriculum import MaterialForm, ModuleForm, ReviewCommentForm, TrackForm
from .scheduling import (
    CancelWorkshopForm,
    CatalogFilterForm,
    DuplicateWorkshopForm,
    ModuleRowFormSet,
    ScheduleFilterForm,
    SessionFormSet,
    WorkshopForm,
)

__all__ = [
    "CancelWorkshopForm",
    "CatalogFilterForm",
    "DuplicateWorkshopForm",
    "MaterialForm",
    "ModuleForm",
    "ModuleRowFormSet",
    "ReviewCommentForm",
    "ScheduleFilterForm",
    "SessionFormSet",
    "TrackForm",
    "WorkshopForm",
]
