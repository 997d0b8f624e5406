"""System checks of what the attendance app needs outside the database."""

from __future__ import annotations

from django.core.checks import Error, register

from attendance.pdf import font_paths


@register()
def certificate_fonts(app_configs, **kwargs) -> list[Error]:
    """Certificates cannot be printed without their font files."""
    missing = [str(path) for path in font_paths().values() if not path.is_file()]
    if not missing:
        return []
    return [
        Error(
            f"Certificate fonts missing: {', '.join(missing)}.",
            hint="Run `make assets` (it copies them to var/fonts/), or set CERTIFICATE_FONT_DIR.",
            id="attendance.E001",
        )
    ]
