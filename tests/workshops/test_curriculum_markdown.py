import pytest

from workshops.markdown import render_markdown


def test_markdown_renders_headings_emphasis_and_tables():
    html = render_markdown("# Title\n\nSome **bold**.\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert "<table>" in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('x')</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg onload="alert(1)"></svg>',
        "<a href='data:text/html;base64,PHNjcmlwdD4='>x</a>",
        "<style>body{display:none}</style>",
        '<object data="x.swf"></object>',
    ],
)
def test_nothing_executable_survives(payload):
    html = render_markdown(f"Intro\n\n{payload}\n\nOutro").lower()
    for banned in ("<script", "javascript:", "onerror", "onclick", "onload", "<iframe", "data:"):
        assert banned not in html
    assert "<style" not in html and "<object" not in html and "<img" not in html
    assert "outro" in html


def test_links_get_safe_rel():
    html = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert "noopener" in html
