"""URL, publication date and outlet of an article, when the page states them.

Scraped news files carry their provenance in a few recurring shapes: an
"Original url:" line (often with the address on the next line), HTML <meta>
and <link rel="canonical"> tags, a <time datetime>, a dateline ("September 15,
2023"), a leading stamp ("date 2023-09-14"), a site stamp ("- Sputnik
International, 1920, 15.09.2023"), an agency byline ("MOSCOW (AFP) –") or a
copyright line ("© 2026 Plovdiv Daily"). Each value is taken from the most
explicit source found and the source is recorded with it, so a researcher
can tell a stated date from one read off a URL path. Nothing is guessed
beyond what the text says.
"""
from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlparse

from xlalign.records import DocumentMeta, RawArticle

HEAD_LINES = 25  # datelines, stamps and bylines sit at the top of an article
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})

_URL_LABEL = re.compile(r"^\s*(?:\*\*)?(original url|source url|source|url|оригинал|източник)(?:\*\*)?\s*:\s*(.*)$", re.I)
_URL = re.compile(r"<?(https?://[^\s<>\"')\]]+)>?")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?))?\b")
_DMY_DOTS = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Z][a-z]{2,8})\.? (\d{1,2}), (\d{4})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]{2,8}) (\d{4})\b")
_LEADING_STAMP = re.compile(r"^\s*(date|published|updated)\s*:?\s*(\d{4}-\d{2}-\d{2})", re.I)
_SITE_STAMP = re.compile(r"^\s*[-–—]\s+([A-Z][\w .&]+?),\s\d{4}\b")
_SITE_STAMP_DATE = re.compile(r"\s[-–—]\s([A-Z][\w .&]+?),\s\d{4},\s(\d{1,2}\.\d{1,2}\.\d{4})$")
_AGENCY_BYLINE = re.compile(r"^[A-ZА-Я][A-ZА-Я .'-]{2,40}\s\((AFP|AP|Reuters|dpa|DPA|AFP/\w+|TASS|BTA|БТА|EFE|ANSA)\)\s*[-–—]")
_COPYRIGHT = re.compile(r"©\s*(?:\d{4}\s*)?([A-Z][\w .&'-]{2,60}?)(?:\.|,|\s+All rights reserved|$)")
_URL_PATH_DATE = re.compile(r"/(20\d{2}|19\d{2})/(\d{1,2})/(\d{1,2})/")

# <meta> names and properties, most explicit first.
_META_PUBLISHED = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                   "date", "dc.date", "dc.date.issued", "sailthru.date")
_META_OUTLET = ("og:site_name", "publisher", "application-name", "dc.publisher")


def extract_metadata(article: RawArticle) -> DocumentMeta:
    """What `article` says about its address, date and outlet (None where it says nothing)."""
    found: dict[str, tuple[str, str]] = {}
    if article.fmt == "html":
        _from_html(article.text, found)
        text = _html_text(article.text)
    else:
        text = article.text
    lines = [line.strip() for line in text.split("\n")]
    _from_lines(lines, found)
    url = found.get("url", (None, ""))[0]
    if url and "published" not in found:
        m = _URL_PATH_DATE.search(urlparse(url).path + "/")
        iso = m and _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            found["published"] = (iso, "url-path")
    if url and "outlet" not in found:
        host = urlparse(url).hostname or ""
        if host:
            found["outlet"] = (host.removeprefix("www."), "url-host")
    return DocumentMeta(url=url, published=found.get("published", (None, ""))[0],
                        outlet=found.get("outlet", (None, ""))[0],
                        evidence={k: how for k, (_, how) in sorted(found.items())})


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_in(line: str) -> str | None:
    """The first date written in `line`, as ISO 8601."""
    m = _ISO.search(line)
    if m:
        day = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return f"{day}T{m.group(4)}" if day and m.group(4) else day
    for pattern, order in ((_MONTH_DAY_YEAR, "mdy"), (_DAY_MONTH_YEAR, "dmy")):
        m = pattern.search(line)
        if m:
            month_name, day_s = (m.group(1), m.group(2)) if order == "mdy" else (m.group(2), m.group(1))
            month = MONTHS.get(month_name.lower())
            if month:
                return _iso(int(m.group(3)), month, int(day_s))
    m = _DMY_DOTS.search(line)
    if m:
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def _set(found: dict[str, tuple[str, str]], key: str, value: str | None, how: str) -> None:
    if value and key not in found:
        found[key] = (value.strip(), how)


def _from_lines(lines: list[str], found: dict[str, tuple[str, str]]) -> None:
    for k, line in enumerate(lines):
        m = _URL_LABEL.match(line)
        if m and "url" not in found:
            rest = m.group(2) or next((x for x in lines[k + 1:k + 4] if x), "")
            u = _URL.search(rest)
            if u:
                _set(found, "url", u.group(1), "original-url-line")
    for line in lines[:HEAD_LINES]:
        if not line:
            continue
        stamp = _LEADING_STAMP.match(line)
        if stamp:
            _set(found, "published", _date_in(stamp.group(2)), "leading-stamp")
        site = _SITE_STAMP.match(line)
        if site:
            _set(found, "outlet", site.group(1), "site-stamp")
            _set(found, "published", _date_in(line), "site-stamp")
        dated = _SITE_STAMP_DATE.search(line)
        if dated:
            _set(found, "outlet", dated.group(1), "site-stamp")
            _set(found, "published", _date_in(dated.group(2)), "site-stamp")
        agency = _AGENCY_BYLINE.match(line)
        if agency:
            _set(found, "outlet", agency.group(1), "agency-byline")
        if len(line.split()) <= 6:  # a dateline is a line of its own, not a date inside prose
            _set(found, "published", _date_in(line), "dateline")
    for line in lines:
        c = _COPYRIGHT.search(line)
        if c and len(line) < 120:
            _set(found, "outlet", c.group(1).strip(" .,"), "copyright-line")


class _HeadTags(HTMLParser):
    """<meta>, <link rel=canonical> and <time datetime> tags, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.times: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"]
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            self.canonical = self.canonical or a["href"]
        elif tag == "time" and a.get("datetime"):
            self.times.append(a["datetime"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _from_html(markup: str, found: dict[str, tuple[str, str]]) -> None:
    tags = _HeadTags()
    tags.feed(markup)
    tags.close()
    if tags.canonical and tags.canonical.startswith(("http://", "https://")):
        _set(found, "url", tags.canonical, "link-canonical")
    if tags.meta.get("og:url", "").startswith(("http://", "https://")):
        _set(found, "url", tags.meta["og:url"], "meta og:url")
    for name in _META_PUBLISHED:
        if name in tags.meta:
            _set(found, "published", _date_in(tags.meta[name]), f"meta {name}")
    for stamp in tags.times:
        _set(found, "published", _date_in(stamp), "time-datetime")
    for name in _META_OUTLET:
        if name in tags.meta:
            _set(found, "outlet", tags.meta[name], f"meta {name}")


def _html_text(markup: str) -> str:
    from xlalign.ingest.cleaning import html_to_text

    return html_to_text(markup)[0] + "\n" + _footer_text(markup)


def _footer_text(markup: str) -> str:
    """Text of <footer> elements, which the article text leaves out but which name the outlet."""
    return "\n".join(re.sub(r"<[^>]+>", " ", m) for m in re.findall(r"<footer[^>]*>(.*?)</footer>", markup, re.S | re.I))
