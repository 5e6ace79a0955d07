"""Comment text: escaped plain text, paragraphs, and safe links."""

import random
import unicodedata

import lxml.html
import pytest

from masthead.text.plaintext import count_links, plain_text_to_html, without_controls


def parse(markup):
    return lxml.html.fragment_fromstring(markup, create_parent="div")


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "<a href='javascript:alert(1)'>x</a>",
        "javascript:alert(1)",
        "<svg onload=alert(1)>",
    ],
)
def test_markup_comes_out_as_text(payload):
    tree = parse(plain_text_to_html(payload))
    assert tree.xpath("//script|//img|//svg|//a") == []
    assert tree.text_content() == payload


def test_paragraphs_and_line_breaks():
    tree = parse(plain_text_to_html("One\r\ntwo\n\n\nThree"))
    assert [p.text_content() for p in tree.xpath("//p")] == ["One\ntwo", "Three"]
    assert len(tree.xpath("//p[1]/br")) == 1


@pytest.mark.parametrize(
    ("text", "href", "shown"),
    [
        (
            "See https://example.org/a?b=1&c=2.",
            "https://example.org/a?b=1&c=2",
            "https://example.org/a?b=1&c=2",
        ),
        (
            "(see https://example.org/wiki/Foo_(bar))",
            "https://example.org/wiki/Foo_(bar)",
            "https://example.org/wiki/Foo_(bar)",
        ),
        ("(https://example.org)", "https://example.org", "https://example.org"),
        ("www.example.org, then", "https://www.example.org", "www.example.org"),
    ],
)
def test_urls_become_nofollow_links_without_trailing_punctuation(text, href, shown):
    (link,) = parse(plain_text_to_html(text)).xpath("//a")
    assert (link.get("href"), link.text_content()) == (href, shown)
    assert link.get("rel") == "nofollow ugc noopener"


def test_control_characters_are_removed_and_cyrillic_kept():
    tree = parse(plain_text_to_html("Привет\x00\x07 мир\u202e"))
    assert tree.text_content() == "Привет мир"


def test_count_links():
    assert count_links("a https://x.example b www.y.example c http://z.example") == 3
    assert count_links("no links here") == 0


def test_without_controls_drops_exactly_the_control_categories():
    """Checked character by character against Unicode's categories."""
    rng = random.Random(20261127)
    kinds = ("Cc", "Cf", "Cs", "Co", "Cn")
    for _ in range(2000):
        text = "".join(
            chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0, 0x3000),
                            rng.randint(0, 0x10FFFF), 0xA0, 0x200B, 0xD800]))
            for _ in range(rng.randint(0, 40))
        )  # fmt: skip
        unix = text.replace("\r\n", "\n").replace("\r", "\n")
        kept = "".join(
            c for c in unix if c in "\n\t" or unicodedata.category(c) not in kinds
        )
        assert without_controls(text) == kept


def test_without_controls_reads_every_line_of_long_text():
    """Lines of printable text pass as they are; a control on any line goes."""
    lines = ["<p>First paragraph, “quoted”.</p>", "\t<li>an indented item</li>"] * 50
    text = "\n".join(lines)
    assert without_controls(text) == text
    assert without_controls(text + "\n<p>bell\x07 and\u200b zero width</p>") == (
        text + "\n<p>bell and zero width</p>"
    )
    assert without_controls(text.replace("item", "it\x00em", 1)) == text
