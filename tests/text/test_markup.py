"""Bodies: Markdown and HTML in, clean HTML out, with figures and embeds."""

import lxml.html
import pytest

from masthead.text.markup import (
    body_text,
    clean_html,
    image_count,
    render_body,
    render_markdown,
)


def parse(markup):
    return lxml.html.fragment_fromstring(markup, create_parent="div")


FORBIDDEN_TAGS = {
    "script",
    "style",
    "iframe",
    "svg",
    "form",
    "input",
    "object",
    "embed",
}
XSS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="https://evil.example"><input name="q"></form>',
    '<p onclick="alert(1)">click</p>',
    "<object data=x></object><embed src=x>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="https://example.org" target="_blank" onmouseover="alert(1)">x',
]


@pytest.mark.parametrize("payload", XSS)
def test_hostile_markup_comes_out_inert(payload):
    tree = parse(render_markdown(payload))
    for element in tree.iter():
        assert element.tag not in FORBIDDEN_TAGS
        for name, value in element.attrib.items():
            assert not name.startswith("on"), (name, value)
            assert name != "style"
            assert not value.strip().lower().startswith(("javascript:", "data:"))
    assert "alert(1)</script>" not in render_markdown(payload)


@pytest.mark.parametrize("payload", XSS)
def test_cleaning_twice_changes_nothing(payload):
    once = render_markdown(payload)
    assert clean_html(once) == once


def test_body_headings_start_at_h2():
    tree = parse(render_body("# Big\n\n## Smaller", source_format="markdown"))
    assert [h.tag for h in tree.xpath("//h2|//h3")] == ["h2", "h2"]
    html_tree = parse(render_body('<h1 class="x">Imported</h1>', source_format="html"))
    assert [h.tag for h in html_tree.iter("h1", "h2")] == ["h2"]


def test_markdown_keeps_links_quotes_lists_and_tables():
    source = (
        'A [link](https://example.org/a?b=1&c=2 "Title").\n\n'
        "> Quoted.\n\n- one\n- two\n\n"
        "| City | Count |\n|---|---|\n| Grozny | 3 |\n\n~~gone~~"
    )
    tree = parse(render_markdown(source))
    assert tree.xpath("//a/@href") == ["https://example.org/a?b=1&c=2"]
    assert tree.xpath("//a/@rel") == ["noopener"]
    assert tree.xpath("//blockquote/p/text()") == ["Quoted."]
    assert tree.xpath("//li/text()") == ["one", "two"]
    assert tree.xpath("//td/text()") == ["Grozny", "3"]
    assert tree.xpath("//s/text()|//del/text()") == ["gone"]


@pytest.mark.parametrize(
    ("title", "caption", "credit"),
    [
        (
            "The harbour at dawn | Photo: A. Reporter",
            "The harbour at dawn",
            "Photo: A. Reporter",
        ),
        ("Only a caption", "Only a caption", None),
        (" | Photo: Agency", None, "Photo: Agency"),
        ("Fish & <chips> | Photo: 'Q'", "Fish & <chips>", "Photo: 'Q'"),
    ],
)
def test_image_alone_becomes_a_figure_with_caption_and_credit(title, caption, credit):
    tree = parse(render_markdown(f'![Boats](/media/boats.jpg "{title}")'))
    (figure,) = tree.xpath("//figure[@class='figure']")
    assert figure.xpath("img/@src") == ["/media/boats.jpg"]
    assert figure.xpath("img/@alt") == ["Boats"]
    assert figure.xpath("img/@loading") == ["lazy"]
    if caption:
        assert figure.xpath("figcaption/text()")[0].strip() == caption
    assert figure.xpath("figcaption/small/text()") == ([credit] if credit else [])


def test_image_without_title_is_a_figure_without_caption():
    tree = parse(render_markdown("![Boats](/media/boats.jpg)"))
    assert tree.xpath("//figure/img/@alt") == ["Boats"]
    assert tree.xpath("//figcaption") == []


def test_image_inside_text_stays_inline():
    tree = parse(render_markdown("Look ![icon](/i.png) here"))
    assert tree.xpath("//figure") == []
    assert tree.xpath("//p/img/@src") == ["/i.png"]


@pytest.mark.parametrize(
    ("source", "source_format"),
    [
        ("https://www.youtube.com/watch?v=aqz-KE-bpKQ", "markdown"),
        ("<https://youtu.be/aqz-KE-bpKQ>", "markdown"),
        ("<p>https://youtu.be/aqz-KE-bpKQ</p>", "html"),
        (
            '<p><a href="https://youtu.be/aqz-KE-bpKQ">https://youtu.be/aqz-KE-bpKQ</a></p>',
            "html",
        ),
    ],
)
def test_youtube_url_alone_becomes_a_click_to_play_video(source, source_format):
    tree = parse(render_body(source, source_format=source_format))
    (figure,) = tree.xpath("//figure")
    assert figure.get("data-embed-provider") == "youtube"
    assert figure.get("data-embed-id") == "aqz-KE-bpKQ"
    assert figure.xpath("a/@href") == ["https://www.youtube.com/watch?v=aqz-KE-bpKQ"]
    assert figure.xpath("a/span[@class='embed__label']/text()") == [
        "Play video (YouTube)"
    ]
    # Nothing that a browser would fetch from the provider before a click.
    assert tree.xpath("//iframe|//img|//script") == []


def test_vimeo_url_alone_becomes_a_video():
    tree = parse(render_markdown("https://vimeo.com/76979871"))
    assert tree.xpath("//figure/@data-embed-provider") == ["vimeo"]


@pytest.mark.parametrize(
    "source",
    [
        "Watch https://youtu.be/aqz-KE-bpKQ today",
        "[our video](https://youtu.be/aqz-KE-bpKQ)",
        "https://www.youtube.com/channel/UC123",
    ],
)
def test_video_url_inside_text_or_link_stays_as_written(source):
    assert parse(render_markdown(source)).xpath("//figure") == []


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        render_body("x", source_format="rtf")


def test_body_text_strips_markup_and_decodes_entities():
    markup = render_markdown(
        "## Head\n\nFish &amp; chips<script>bad()</script>\n\n- a\n- b"
    )
    assert body_text(markup) == "Head Fish & chips a b"


def test_image_count_counts_every_image():
    markup = render_markdown('![a](/a.jpg "A")\n\ntext ![b](/b.jpg) and ![c](/c.jpg)')
    assert image_count(markup) == 3
