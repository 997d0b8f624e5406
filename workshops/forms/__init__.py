# --- scheduling (h2b) ---
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
    "ModuleRowFormSet",
    "ScheduleFilterForm",
    "SessionFormSet",
    "WorkshopForm",
]
# --- end scheduling (h2b) ---
