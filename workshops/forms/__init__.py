from .curriculum import (
    CertificatePreviewForm,
    MaterialForm,
    ModuleForm,
    ReviewCommentForm,
    TrackForm,
    WordingField,
    wording_field_name,
)
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
    "CertificatePreviewForm",
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
    "WordingField",
    "WorkshopForm",
    "wording_field_name",
]
