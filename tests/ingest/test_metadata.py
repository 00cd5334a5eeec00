"""Document metadata (URL, date, outlet) read from what the page states, and titles that are headlines."""
from __future__ import annotations

import pytest

from xlalign.ingest.cleaning import clean_article, is_breadcrumb
from xlalign.ingest.metadata import extract_metadata
from xlalign.ingest.prepare import prepare_article, prepare_file
from xlalign.ingest.reading import decode_article

from harness.shared_data import SEEDS, require_shared

BODY = ("The city council approved the new budget on Tuesday evening after a long debate.\n\n"
        "Farmers in the north are worried about the long drought that has lasted all summer.\n")


def meta_of(text: str, fmt: str = "txt"):
    return extract_metadata(decode_article(text.encode(), source=f"a.{fmt}", fmt=fmt))


def test_original_url_line_with_the_address_on_the_next_line():
    m = meta_of(BODY + "\nOriginal url:\n\n<https://www.example.com/2023/09/15/budget-a82470>\n")
    assert m.url == "https://www.example.com/2023/09/15/budget-a82470"
    assert m.published == "2023-09-15" and m.outlet == "example.com"
    assert m.evidence == {"url": "original-url-line", "published": "url-path", "outlet": "url-host"}


def test_stated_dates_bylines_and_stamps():
    assert meta_of("September 15, 2023\n\n" + BODY).published == "2023-09-15"
    assert meta_of(" date 2023-09-14 " + BODY).evidence["published"] == "leading-stamp"
    m = meta_of("- Sputnik International, 1920\n" + BODY)
    assert (m.outlet, m.evidence["outlet"]) == ("Sputnik International", "site-stamp")
    m = meta_of("MOSCOW (AFP) – North Korean leader Kim Jong Un arrived at a Russian city on Friday.\n" + BODY)
    assert m.outlet == "AFP"
    assert meta_of(BODY) == type(m)()  # a page that states nothing gets nothing, not a guess


def test_html_meta_tags_win_over_the_text():
    page = ("<html><head><title>Budget passes | City Daily</title>"
            '<link rel="canonical" href="https://city-daily.example/budget">'
            '<meta property="og:site_name" content="City Daily">'
            '<meta property="article:published_time" content="2026-03-02T09:15:00+02:00"></head>'
            f"<body><h1>Council approves the new budget</h1><p>{BODY}</p>"
            "<footer>© 2026 Other Name. All rights reserved.</footer></body></html>")
    m = meta_of(page, "html")
    assert m.url == "https://city-daily.example/budget" and m.outlet == "City Daily"
    assert m.published == "2026-03-02T09:15:00+02:00"
    assert m.evidence == {"url": "link-canonical", "outlet": "meta og:site_name",
                          "published": "meta article:published_time"}
    assert clean_article(page, "html").title == "Council approves the new budget"  # the <h1>, not the <title>
    assert clean_article(page.replace("<h1>Council approves the new budget</h1>", ""), "html").title == "Budget passes"


@pytest.mark.parametrize("line", ["Начало » Свят » Азия", "Home | World | Asia", "Новини › България", "Home / News / World"])
def test_breadcrumbs_are_not_titles(line):
    assert is_breadcrumb(line)
    doc = prepare_article(decode_article(f"{line}\n\nКметът откри новата трамвайна линия\n\n{BODY}".encode(),
                                         source="a.txt", fmt="txt"))
    assert doc.title == "Кметът откри новата трамвайна линия"
    assert ("breadcrumb", line) in [(p.status, p.text) for p in doc.paragraphs]


@pytest.mark.parametrize("line", ["Kim visits military aviation plant in Russia's far east",
                                  "Prices rose 3% / year, the bank said.", "Tax cuts: who gains | who loses and why it matters now"])
def test_headlines_are_not_breadcrumbs(line):
    assert not is_breadcrumb(line)


def test_seed_with_an_original_url_line():
    seed = require_shared(SEEDS / "001_cc772b9631ee6ce0.txt")
    doc = prepare_file(seed)
    assert doc.meta.url == "https://www.themoscowtimes.com/2023/09/15/north-koreas-kim-tours-russian-fighter-jet-plant-a82470"
    assert doc.meta.published == "2023-09-15" and doc.meta.evidence["published"] == "dateline"
    assert doc.title == "North Korea's Kim Tours Russian Fighter Jet Plant"
    assert not any("themoscowtimes" in s.text for s in doc.sentences)
