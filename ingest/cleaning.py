"""Turn an article's text into clean paragraphs, recording what was removed and why.

Scraped news pages carry menus, share buttons, image credits, teaser headlines
of other stories and markdown debris. None of it is prose of the article, and
any of it that became a "sentence" would be aligned, exported and counted as
parallel text. Each removed line is kept with the rule that removed it, so a
researcher can audit the cleaner instead of trusting it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Whole lines that are interface text on news sites, never article prose.
BOILERPLATE_LINES = {
    "subscribe", "newsfeed", "loader", "chats", "log in or register", "to participate in the discussion",
    "world", "share", "share this article", "read more", "advertisement", "related articles", "comments",
    "print", "email", "menu", "search", "home", "sign in", "log in", "register", "follow us", "more",
    "trending", "latest news", "most read", "photos", "video", "top stories",
}
BOILERPLATE_PATTERNS = [
    (re.compile(r"^(original url|source url|url)\s*:?\s*$", re.I), "source-url-label"),
    (re.compile(r"^<?https?://\S+>?$", re.I), "bare-url"),
    (re.compile(r"pic\.twitter\.com/|twitter\.com/\w+/status|\(@\w+\)\s+\w+ \d{1,2}, \d{4}$", re.I), "social-embed"),
    (re.compile(r"^(\*\*)?related( article| story| stories)?s?:", re.I), "related-link"),
    (re.compile(r"^(get the latest news|sign up for|follow us on|all rights reserved|click here|"
                r"we use cookies|this website uses cookies)", re.I), "site-tagline"),
    (re.compile(r"^©|\b(photo|image|picture)\s*(credit)?\s*:|\bgetty images\b|\breuters/\w+", re.I), "image-credit"),
    (re.compile(r"(^|\s)[-–—]\s[\w .]+,\s\d{4}(,\s\d{2}\.\d{2}\.\d{4})?$"), "site-stamp"),
    (re.compile(r"\*\*[^*]{1,40}\*\*\s*$"), "image-credit"),  # caption ending in a bold credit: "... **TASS**"
    (re.compile(r"^[*_][^*_].*[^*_][*_]$"), "editorial-note"),  # a whole line in italics: "*AFP contributed reporting.*"
    (re.compile(r"^[\W\d_]+$"), "no-words"),
    (re.compile(r"^(\w+ \d{1,2}, \d{4}|\d{1,2} \w+ \d{4}|\d{4}-\d{2}-\d{2})$"), "dateline"),
]
LEADING_STAMP = re.compile(r"^\s*(date|published|updated)\s*:?\s*\d{4}-\d{2}-\d{2}\s+", re.I)
# Ends like a sentence: terminal punctuation, then perhaps closing quotes or brackets.
SENTENCE_END = re.compile(r"[.!?…][\"'”“»)\]’]*\s*$")  # “ closes a Bulgarian „quote“
MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
MD_AUTOLINK = re.compile(r"<https?://[^>]+>")
MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*]+?)\*(?!\w)")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
MIN_PROSE_WORDS = 4
MIN_QUESTION_WORDS = 6  # short questions are teaser headlines far more often than prose


@dataclass(frozen=True)
class CleanLine:
    text: str
    removed_by: str | None  # rule name, or None when the line is article prose
    is_heading: bool = False


@dataclass(frozen=True)
class CleanArticle:
    title: str
    lines: tuple[CleanLine, ...]

    @property
    def paragraphs(self) -> list[str]:
        return [line.text for line in self.lines if line.removed_by is None]


def clean_article(text: str, fmt: str) -> CleanArticle:
    """Clean `text` of format "txt", "md" or "html" into paragraphs and a title.

    The title is the first headline-like line before the prose (an HTML page's
    <h1>, which states the headline, before its <title>, which often appends the
    site's name); breadcrumbs ("Начало » Свят » Азия") and section labels are
    never titles.
    """
    html_title = None
    if fmt == "html":
        text, html_title = html_to_text(text)
    raw_lines = [line.strip() for line in text.split("\n")]
    lines = _join_broken_lines(raw_lines)
    out: list[CleanLine] = []
    title: str | None = None
    seen: set[str] = set()
    prose_started = False
    previous_heading: str | None = None
    for raw in lines:
        if not raw:
            continue
        heading = bool(MD_HEADING.match(raw))
        reason = _boilerplate_rule(raw)
        text_line = LEADING_STAMP.sub("", _strip_markdown(raw)).strip()
        if reason is None and not text_line:
            reason = "empty-after-markup"
        if reason is None and text_line.casefold() in seen:
            reason = "repeated-line"
        if reason is None and previous_heading and _same_opening(previous_heading, text_line):
            reason = "teaser-headline"  # a related story's headline followed by its standfirst
        if reason is None and (heading or not _is_prose(text_line)):
            if title is None and not prose_started and len(text_line.split()) >= 3:
                title, reason = text_line, "title"
            else:
                reason = "heading-or-label"
        previous_heading = text_line if reason == "heading-or-label" else None
        if reason is None:
            seen.add(text_line.casefold())
            prose_started = True
        out.append(CleanLine(text_line or raw, reason, heading))
    return CleanArticle(title=title or _page_title(html_title) or "", lines=tuple(out))


_TITLE_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")
_CRUMB_SEPARATOR = re.compile(r"\s+[»›>|/]\s+|\s*[»›]\s*")


def _page_title(html_title: str | None) -> str | None:
    """An HTML <title> without the " | Site" or " - Site" it usually ends with."""
    if not html_title:
        return None
    stripped = _TITLE_SITE_SUFFIX.sub("", html_title)
    return stripped if len(stripped.split()) >= 2 else html_title


def is_breadcrumb(line: str) -> bool:
    """A navigation trail: short items between » › > | or / ("Начало » Свят » Азия", "Home | World")."""
    parts = [p for p in _CRUMB_SEPARATOR.split(line.strip()) if p]
    if len(parts) < 2 or any(len(p.split()) > 5 or SENTENCE_END.search(p) for p in parts):
        return False
    return "»" in line or "›" in line or len(parts) >= 3


def _boilerplate_rule(line: str) -> str | None:
    bare = _strip_markdown(line).strip().strip(".:").casefold()
    if bare in BOILERPLATE_LINES:
        return "interface-text"
    if is_breadcrumb(_strip_markdown(line)):
        return "breadcrumb"
    for pattern, name in BOILERPLATE_PATTERNS:
        if pattern.search(line):
            return name
    return None


def _same_opening(a: str, b: str, words: int = 3) -> bool:
    return len(a.split()) >= words and a.split()[:words] == b.split()[:words]


def _is_prose(line: str) -> bool:
    """Prose ends like a sentence and is long enough to be one; menus and headings don't."""
    words = len(line.split())
    if words >= 25:
        return True
    if not SENTENCE_END.search(line):
        return False
    return words >= (MIN_QUESTION_WORDS if line.rstrip("\"'”»)]’ ").endswith("?") else MIN_PROSE_WORDS)


def _strip_markdown(line: str) -> str:
    line = MD_HEADING.sub("", line)
    line = MD_IMAGE.sub("", line)
    line = MD_LINK.sub(r"\1", line)
    line = MD_AUTOLINK.sub("", line)
    for _ in range(2):
        line = MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", line)
    return re.sub(r"\s{2,}", " ", line).strip()


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join a paragraph that a scraper split mid-sentence ("... a tour of Su-35" / "and Su-57 ...").

    The rule is conservative: the first piece must not end like a sentence and
    the next must start with a lower-case letter, which a new paragraph never does.
    """
    joined: list[str] = []
    pending_gap = False
    for line in lines:
        if not line:
            pending_gap = True
            continue
        if joined and line[0].islower() and not SENTENCE_END.search(joined[-1]) and len(joined[-1].split()) >= 8:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            if pending_gap and joined:
                joined.append("")
            joined.append(line)
        pending_gap = False
    return joined


class _TextExtractor(HTMLParser):
    """Block-aware text from HTML, skipping elements that never hold article prose."""

    SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "figure", "figcaption",
            "button", "svg", "iframe", "template", "select"}
    BLOCKS = {"p", "div", "section", "article", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
              "blockquote", "main", "ul", "ol", "table", "pre", "hr", "dd", "dt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title: str | None = None
        self._in_title = False
        self._title_parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCKS:
            self.parts.append("\n\n" + ("# " if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} else ""))

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "title":
            self._in_title = False
            self.title = " ".join("".join(self._title_parts).split()) or None
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag, attrs):
        if tag in {"br", "hr"}:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self._title_parts.append(data)
        elif not self.skip_depth:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Plain text with one block per paragraph, plus the <title> if any."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)  # convert_charrefs already unescaped each entity once: `&amp;amp;` is `&amp;`
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text), parser.title
