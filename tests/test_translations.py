"""Every user-facing string is translated in every shipped language, and the translations load."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALES = ["es", "pt_BR", "fr", "zh_Hans"]
IGNORE = [".venv", "node_modules", "static/vendor", "staticfiles", "var", "bench", "tests"]


def _count(cmd: list[str]) -> int:
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    entries = sum(1 for line in out.splitlines() if line.startswith("msgid "))
    # The header entry (msgid "") is listed too whenever anything else is.
    return max(entries - 1, 0)


def test_makemessages_leaves_nothing_untranslated(tmp_path):
    """Run makemessages on a copy of the source, as a developer would after adding strings."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", "vendor", "staticfiles", "var", ".git", "*.mo", "screenshots"
        ),
        symlinks=True,
    )
    args = [sys.executable, "manage.py", "makemessages", "--no-location", "-v0"]
    args += [f"-l{code}" for code in LOCALES]
    args += [f"--ignore={pattern}/*" for pattern in IGNORE]
    subprocess.run(args, cwd=copy, check=True, capture_output=True)
    problems = {}
    for code in LOCALES:
        po = copy / "locale" / code / "LC_MESSAGES" / "django.po"
        untranslated = _count(["msgattrib", "--untranslated", str(po)])
        fuzzy = _count(["msgattrib", "--only-fuzzy", str(po)])
        if untranslated or fuzzy:
            problems[code] = {"untranslated": untranslated, "fuzzy": fuzzy}
    assert problems == {}


@pytest.mark.parametrize("code", LOCALES)
def test_catalogues_compile_with_valid_formats(code):
    po = Path(settings.BASE_DIR) / "locale" / code / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check-format", "-c", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Iniciar sesión"), ("fr", "Se connecter"), ("zh-hans", "登录"), ("pt-br", "Entrar")],
)
@pytest.mark.django_db  # (the sign-in page reads the site record)
def test_anonymous_pages_follow_the_language_switcher(client, language, expected):
    with translation.override(language):
        assert translation.gettext("Sign in") == expected  # catalogue compiled and loaded
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(reverse("account_login")).content.decode()
    assert f'lang="{language}"' in body
    assert expected in body
