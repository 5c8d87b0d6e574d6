"""HTML -> text lines: the main content of a council web page, tables kept as tables.

Built on the standard library's `html.parser`. Navigation, cookie banners, page
headers and footers, scripts, forms' controls and hidden elements are dropped; when the
page marks its main content (`<main>`, `role="main"`) only that is read. Headings
become `#` lines, list items `- ` lines, data tables tab-separated rows (colspan and
rowspan kept in place, italics as `<i>…</i>`); a table used for layout is read as the
blocks it holds (see `html_tables`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from nlp.formats.html_tables import Cell, TableBuilder

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "button",
    "select",
    "textarea",
    "iframe",
    "object",
    "canvas",
    "head",
    "dialog",
    "map",
    "label",
}
PAGE_CHROME = {"header", "footer", "aside"}  # page chrome unless inside the content (article, main, section)
SKIP_ROLES = {"navigation", "search", "dialog", "alertdialog", "menu", "menubar", "toolbar"}
CHROME_ROLES = {"banner", "contentinfo", "complementary"}
BOILERPLATE = {
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menubar",
    "megamenu",
    "breadcrumb",
    "breadcrumbs",
    "skip",
    "skiplink",
    "skiplinks",
    "skipnav",
    "sidebar",
    "social",
    "share",
    "sharing",
    "sharethis",
    "footer",
    "hidden",
    "visuallyhidden",
    "sronly",
    "screenreadertext",
    "toolbar",
    "masthead",
}
_COOKIE = re.compile(r"cookie|consent|gdpr", re.IGNORECASE)
BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "address",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "ul",
    "ol",
    "li",
    "table",
    "caption",
    "tr",
    "td",
    "th",
    "hr",
    "form",
    "fieldset",
    "legend",
    "details",
    "summary",
    "header",
    "footer",
    "aside",
    "center",
} | {f"h{i}" for i in range(1, 7)}
CONTENT = {"main", "article"}  # inside these, header and footer are the content's own
_LIST_ENDS = {"ul", "ol", "table"}


def html_to_text(text: str) -> str:
    """The main content of an HTML page as text lines (see the module docstring)."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.result()


def _is_boilerplate(tag: str, attrs: dict[str, str], in_content: bool) -> bool:
    """Page chrome, navigation, cookie banners and hidden elements."""
    if tag in SKIP or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", attrs.get("style") or ""):
        return True
    role = (attrs.get("role") or "").lower()
    if role in SKIP_ROLES or (not in_content and (tag in PAGE_CHROME or role in CHROME_ROLES)):
        return True
    names = f"{attrs.get('id') or ''} {attrs.get('class') or ''}"
    if _COOKIE.search(names):
        return True
    tokens = names.lower().split()
    parts = {p for t in tokens for p in re.split(r"[-_]", t)} | {re.sub(r"[-_]", "", t) for t in tokens}
    return bool(parts & BOILERPLATE)


class _Reader(HTMLParser):
    """Walks the page once, keeping a stack of open elements; text goes to the open cell or the page's blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool, bool]] = []  # (tag, skipped here, opens content, opens main)
        self.skipping = 0
        self.content = 0  # depth inside article/main (and the page's main content)
        self.main = 0
        self.inline: list[str] = []
        self.heading = 0
        self.lists: list[list] = []  # [ordered, next number]
        self.tables: list[TableBuilder] = []
        self.blocks: list[tuple[str, str, bool]] = []  # (kind, text, inside main)
        self.site_name = ""
        self.pre = 0

    # -- parser events --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag in VOID:
            self._void(tag, attrs)
            return
        self._implicit_close(tag)
        skipped = not self.skipping and _is_boilerplate(tag, attrs, self.content > 0)
        is_main = not self.skipping and not skipped and (tag == "main" or attrs.get("role") == "main")
        is_content = not self.skipping and not skipped and (tag in CONTENT or is_main)
        self.stack.append((tag, skipped, is_content, is_main))
        self.skipping += skipped
        self.content += is_content
        self.main += is_main
        if self.skipping:
            return
        if tag in BLOCK:
            self._flush(self._pending_kind())
        self._open(tag, attrs)

    def handle_startendtag(self, tag: str, attrs_list) -> None:
        if tag in VOID:
            self._void(tag, {k: v or "" for k, v in attrs_list})
        else:
            self.handle_starttag(tag, attrs_list)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not any(entry[0] == tag for entry in self.stack):
            return
        while self.stack:
            t, skipped, is_content, is_main = self.stack.pop()
            self._close(t, skipped)
            self.content -= is_content
            self.main -= is_main
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.inline.append(data if self.pre else re.sub(r"\s+", " ", data))

    # -- element handling -------------------------------------------------------------------
    def _void(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "meta" and attrs.get("property", attrs.get("name", "")).lower() in (
            "og:site_name",
            "application-name",
        ):
            self.site_name = self.site_name or attrs.get("content", "").strip()
        elif tag == "br" and not self.skipping:
            self.inline.append(" " if self._cell() else "\n")

    def _implicit_close(self, tag: str) -> None:
        """HTML's optional end tags: a new p, li, dt/dd, td/th or tr ends the open one."""
        closes = {
            "p": ("p",),
            "li": ("li",),
            "dt": ("dt", "dd"),
            "dd": ("dt", "dd"),
            "td": ("td", "th"),
            "th": ("td", "th"),
            "tr": ("tr", "td", "th"),
        }.get(tag, ())
        if tag in BLOCK - {"li", "td", "th", "tr", "dt", "dd"} and self.stack and self.stack[-1][0] == "p":
            closes = ("p",)
        for t, *_ in reversed(self.stack):
            if t in closes:
                self.handle_endtag(t)
                return
            if t in _LIST_ENDS or t in ("td", "th") and tag == "p":
                return

    def _open(self, tag: str, attrs: dict[str, str]) -> None:
        if tag in ("ul", "ol"):
            start = attrs.get("start", "1")
            self.lists.append([tag == "ol", int(start) if start.isdigit() else 1])
        elif re.fullmatch(r"h[1-6]", tag):
            self.heading = int(tag[1])
        elif tag == "pre":
            self.pre += 1
        elif tag == "table":
            self.tables.append(TableBuilder())
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            t = self.tables[-1]
            if not t.rows:
                t.rows.append([])
            span = lambda k: max(1, min(50, int(attrs[k]))) if attrs.get(k, "").isdigit() else 1
            t.cell = Cell(colspan=span("colspan"), rowspan=span("rowspan"))
            t.rows[-1].append(t.cell)
        elif tag in ("i", "em") and self._cell():
            self.inline.append("<i>")

    def _close(self, tag: str, skipped: bool) -> None:
        if skipped:
            self.skipping -= 1
            return
        if self.skipping:
            return
        if tag in ("i", "em") and self._cell():
            self.inline.append("</i>")
            return
        if tag not in BLOCK and not re.fullmatch(r"h[1-6]", tag):
            return
        kind = "heading" if re.fullmatch(r"h[1-6]", tag) else "item" if tag == "li" else "para"
        self._flush(kind)
        if kind == "heading":
            self.heading = 0
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "pre":
            self.pre -= 1
        elif tag in ("td", "th") and self.tables:
            self.tables[-1].cell = None
        elif tag == "table" and self.tables:
            self._emit_table(self.tables.pop())

    def _pending_kind(self) -> str:
        """What the text gathered so far is part of: a list item when the nearest open block is an <li>."""
        return next(("item" if t == "li" else "para" for t, *_ in reversed(self.stack[:-1]) if t in BLOCK), "para")

    def _cell(self) -> Cell | None:
        """The innermost open cell: text between a nested table's cells (its caption) belongs to the outer cell."""
        return next((t.cell for t in reversed(self.tables) if t.cell is not None), None)

    # -- output ---------------------------------------------------------------------------
    def _flush(self, kind: str = "para") -> None:
        """The text gathered so far becomes a block of the open cell, or of the page."""
        text = "".join(self.inline)
        self.inline = []
        text = re.sub(r"<i>(\s*)</i>", r"\1", text)
        text = "\n".join(re.sub(r"[ \t\u00a0]+", " ", l).strip() for l in text.split("\n")).strip("\n ")
        if not text.strip():
            return
        if self.heading:
            kind, text = "heading", "#" * self.heading + " " + text.replace("\n", " ")
        elif kind == "item" and self.lists:
            ordered, number = self.lists[-1]
            self.lists[-1][1] += ordered
            text = f"{number}. {text}" if ordered else f"- {text}"
        self._add(kind, text)

    def _add(self, kind: str, text: str) -> None:
        cell = self._cell()
        if cell is not None:
            cell.blocks.append((kind, text))
        else:
            self.blocks.append((kind, text, self.main > 0))

    def _emit_table(self, table: TableBuilder) -> None:
        """A data table as tab rows (one block); a layout table as the blocks its cells hold."""
        for kind, text in table.blocks():
            self._add(kind, text)

    def result(self) -> str:
        self._flush()
        blocks = [(k, t) for k, t, main in self.blocks if main] or [(k, t) for k, t, _ in self.blocks]
        if self.site_name and not any(self.site_name.lower() in t.lower() for _, t in blocks[:5]):
            blocks.insert(0, ("para", self.site_name))
        out: list[str] = []
        for i, (kind, text) in enumerate(blocks):
            tight = kind == "item" and i and blocks[i - 1][0] == "item"
            if out and not tight:
                out.append("")
            out.append(text)
        return "\n".join(out) + "\n"
