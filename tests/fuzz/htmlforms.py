"""The forms of a rendered page, read from its HTML: what a browser could submit."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    valid_values: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str  # a path
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None) -> None:
        f = self.fields.setdefault(name, Field(name, kind))
        if value is not None and value not in f.valid_values:
            f.valid_values.append(value)


class _Parser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = urlsplit(urljoin(self.page_path, a.get("action") or self.page_path)).path
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=action,
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._form is not None and self._select:
                self._form.add(self._select, "select", a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset") and "value" not in a:
                a["value"] = ""
            self._form.add(name, kind, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "button":
            self._form.add(name, "button", a.get("value", ""))
        elif tag == "select":
            self._select = name
            self._form.add(name, "select", None)
        elif tag == "textarea":
            self._textarea = name
            self._text = []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.add(self._textarea, "textarea", "".join(self._text))
            self._textarea = None


def parse_forms(html: str, page_path: str) -> list[Form]:
    parser = _Parser(page_path)
    parser.feed(html)
    return parser.forms
