"""Cleaning: boilerplate and markup out, prose in, every removal explained."""
from __future__ import annotations

from xlalign.ingest.cleaning import clean_article, html_to_text

PAGE = """- Example News, 1920
World
Get the latest news from around the world, live coverage and analysis.

# Council approves the new bridge over the river

September 15, 2023

A view of the bridge site. **REUTERS**

*Updated with the mayor's comments.*

The city council approved the new bridge on Tuesday after a long debate about its [cost](https://x.org/a).

The bridge will carry trams, bicycles and pedestrians, but no private cars, the council said in a statement that ran to
several pages and surprised many observers.

**Related article:** [Bridges of the region](#)

Subscribe
log in or register
loader
0
Original url:
<https://example.org/2023/09/15/bridge>
"""


def test_boilerplate_lines_are_removed_with_their_rule():
    cleaned = clean_article(PAGE, "md")
    assert cleaned.title == "Council approves the new bridge over the river"
    assert cleaned.paragraphs == [
        "The city council approved the new bridge on Tuesday after a long debate about its cost.",
        "The bridge will carry trams, bicycles and pedestrians, but no private cars, the council said in a "
        "statement that ran to several pages and surprised many observers.",
    ]
    removed = {line.text: line.removed_by for line in cleaned.lines if line.removed_by}
    assert removed["Subscribe"] == "interface-text"
    assert removed["log in or register"] == "interface-text"
    assert removed["A view of the bridge site. REUTERS"] == "image-credit"
    assert removed["Updated with the mayor's comments."] == "editorial-note"
    assert removed["Original url:"] == "source-url-label"
    assert removed["<https://example.org/2023/09/15/bridge>"] == "bare-url"
    assert removed["Related article: Bridges of the region"] == "related-link"
    assert removed["- Example News, 1920"] == "site-stamp"


def test_html_skips_navigation_scripts_and_captions():
    text, title = html_to_text(
        "<html><head><title>T</title><script>var x = 1;</script></head><body><nav>Home | News</nav>"
        "<p>First paragraph here.</p><figure><figcaption>Photo: someone</figcaption></figure>"
        "<p>Second &amp; last.</p><footer>All rights reserved</footer></body></html>")
    assert title == "T"
    assert "var x" not in text and "Home" not in text and "Photo" not in text and "rights" not in text
    assert [p for p in text.split("\n\n") if p.strip()] == ["First paragraph here.", "Second & last."]


def test_a_short_real_sentence_is_kept_but_a_teaser_repeat_is_not():
    text = ("The mayor spoke for an hour about the new tram line and its cost.\n"
            "Others were less enthusiastic.\n"
            "Residence 55: the mysterious luxury mansion\n"
            "Residence 55: the mysterious mansion of \"the last dictator\"\n")
    cleaned = clean_article(text, "txt")
    assert "Others were less enthusiastic." in cleaned.paragraphs
    reasons = [line.removed_by for line in cleaned.lines if line.text.startswith("Residence 55")]
    assert reasons == ["heading-or-label", "teaser-headline"]
