from .curriculum import MaterialForm, ModuleForm, ReviewCommentForm, TrackForm

__all__ = ["MaterialForm", "ModuleForm", "ReviewCommentForm", "TrackForm"]
