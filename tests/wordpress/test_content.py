"""Converting WordPress post content to HTML for Masthead's body pipeline."""

import pytest

from masthead.text.markup import clean_html
from masthead.wordpress.content import (
    autop,
    convert,
    convert_shortcodes,
    strip_blocks,
)

ATTACHMENTS = {30: "https://gazette.example/uploads/harbour.jpg", 31: "/b.png"}
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


# --- autop ---


def test_blank_lines_make_paragraphs_and_newlines_breaks():
    assert autop("One\ntwo\n\n\nThree") == "<p>One<br>\ntwo</p>\n<p>Three</p>"


def test_windows_newlines_and_existing_breaks():
    assert autop("One<br />\r\ntwo\r\n\r\nThree") == (
        "<p>One<br>\ntwo</p>\n<p>Three</p>"
    )


def test_block_elements_are_not_wrapped():
    text = "<h2>Title</h2>\nIntro\n<hr />\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert autop(text) == (
        "<h2>Title</h2>\n<p>Intro</p>\n<hr />\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    )


def test_existing_paragraphs_are_kept():
    assert autop("<p>Already</p>\n\n<p>Done</p>") == "<p>Already</p>\n<p>Done</p>"


def test_text_inside_containers_gets_paragraphs():
    assert autop("<blockquote>One\n\nTwo</blockquote>") == (
        "<blockquote>\n<p>One</p>\n<p>Two</p>\n</blockquote>"
    )


def test_text_inside_leaf_blocks_only_gets_breaks():
    assert autop("<li>one\ntwo</li>") == "<li>one<br>\ntwo</li>"
    assert autop("<td>a\n\nb</td>") == "<td>a<br>\n<br>\nb</td>"


def test_pre_is_left_untouched():
    code = "<pre class='x'>def f():\n\n    return 1\n</pre>"
    assert autop(f"Before\n{code}\nAfter") == f"<p>Before</p>\n{code}\n<p>After</p>"


def test_comments_are_not_wrapped():
    assert autop("One\n\n<!--more-->\n\nTwo") == ("<p>One</p>\n<!--more-->\n<p>Two</p>")


def test_inline_markup_stays_in_its_paragraph():
    assert autop('A <a href="/x">link</a> and <img src="y.jpg">') == (
        '<p>A <a href="/x">link</a> and <img src="y.jpg"></p>'
    )


def test_empty_text():
    assert autop("") == ""
    assert autop(" \n\n ") == ""


# --- strip_blocks ---


def test_block_comments_go_without_leaving_blank_lines():
    text = (
        "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:heading {"level":3,"style":{"color":{"text":"#000"}}} -->\n'
        "<h3>Two</h3>\n<!-- /wp:heading -->\n\n"
        "<!-- wp:separator /-->\n\n"
        '<!-- wp:core-embed/youtube {"url":"x"} -->\nText\n'
        "<!-- /wp:core-embed/youtube -->"
    )
    assert strip_blocks(text) == "<p>One</p>\n\n<h3>Two</h3>\n\nText"


def test_inline_block_comments_and_other_comments():
    text = "<!-- wp:paragraph --><p>One</p><!-- /wp:paragraph -->\n<!--more-->"
    assert strip_blocks(text) == "<p>One</p>\n<!--more-->"


def test_classic_content_is_unchanged_by_strip_blocks():
    assert strip_blocks("One\ntwo\n\nThree") == "One\ntwo\n\nThree"


# --- shortcodes ---


def test_caption_becomes_titled_standalone_image():
    text = (
        'Before[caption id="attachment_30" align="aligncenter" width="300"]'
        '<a href="/big.jpg"><img class="wp-image-30" src="/h.jpg" alt="A &amp; B" '
        'width="300" height="200" /></a> The <em>harbour</em> | AP[/caption]After'
    )
    converted, unknown = convert_shortcodes(text, ATTACHMENTS)
    assert converted == (
        "Before\n\n"
        '<img src="/h.jpg" alt="A &amp; B" width="300" height="200" '
        'title="The harbour | AP">'
        "\n\nAfter"
    )
    assert unknown == []


def test_caption_from_attribute():
    text = '[caption caption="Old style"]<img src="/h.jpg" />[/caption]'
    converted, _ = convert_shortcodes(text, {})
    assert converted.strip() == '<img src="/h.jpg" title="Old style">'


def test_embed_and_video_become_bare_urls():
    text = (
        f"Look:[embed width='500']{YOUTUBE}[/embed]"
        '[video width="640" mp4="https://x.example/v.mp4"][/video]'
        '[video src="https://x.example/w.webm"]'
    )
    converted, unknown = convert_shortcodes(text, {})
    assert converted.split() == [
        "Look:",
        YOUTUBE,
        "https://x.example/v.mp4",
        "https://x.example/w.webm",
    ]
    assert unknown == []


def test_gallery_becomes_one_image_per_known_attachment():
    converted, unknown = convert_shortcodes(
        '[gallery columns="2" ids="30,99,31"]', ATTACHMENTS
    )
    assert converted.split("\n\n") == [
        "",
        '<img src="https://gazette.example/uploads/harbour.jpg" alt="">',
        '<img src="/b.png" alt="">',
        "",
    ]
    assert unknown == ["gallery:99"]


def test_gallery_without_ids_is_kept_and_reported():
    assert convert_shortcodes("[gallery]", ATTACHMENTS) == ("[gallery]", ["gallery"])


def test_unknown_shortcodes_are_kept_and_reported_once():
    text = (
        '[contact-form-7 id="4" title="Contact"]\n'
        '[contact-form-7 id="5"]\n[pullquote]Words[/pullquote]'
    )
    converted, unknown = convert_shortcodes(text, {})
    assert converted == text
    assert unknown == ["contact-form-7", "pullquote"]


def test_escaped_shortcodes_become_literal():
    text = '[[gallery ids="30"]] and [[caption]text[/caption]]'
    assert convert_shortcodes(text, ATTACHMENTS) == (
        '[gallery ids="30"] and [caption]text[/caption]',
        [],
    )


def test_known_shortcode_without_content_is_reported():
    assert convert_shortcodes("[embed]not a url[/embed]", {}) == (
        "[embed]not a url[/embed]",
        ["embed"],
    )


def test_text_without_shortcodes():
    assert convert_shortcodes("Plain [1] text", {}) == ("Plain [1] text", [])


# --- convert, through Masthead's pipeline ---


def test_classic_post_through_the_pipeline():
    content = (
        "Intro line\nsecond line\n\n"
        '[caption id="attachment_30" width="300"]<img src="https://gazette.example/'
        'h.jpg" alt="Harbour" /> Dawn | Jane Doe[/caption]\n\n'
        f"{YOUTUBE}\n\n"
        "[embed]https://vimeo.com/123456[/embed]\n"
        "Outro"
    )
    markup, unknown = convert(content, ATTACHMENTS)
    assert unknown == []
    body = clean_html(markup)
    assert body.startswith("<p>Intro line<br>\nsecond line</p>")
    assert (
        '<figure class="figure"><img src="https://gazette.example/h.jpg" '
        'alt="Harbour" loading="lazy"><figcaption>Dawn '
        '<small class="figure__credit">Jane Doe</small></figcaption></figure>'
    ) in body
    assert 'data-embed-provider="youtube"' in body
    assert 'data-embed-provider="vimeo"' in body
    assert body.endswith("<p>Outro</p>")


def test_block_editor_post_through_the_pipeline():
    content = (
        "<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:image {"id":30} -->\n<figure class="wp-block-image size-large">'
        '<img src="/h.jpg" alt="" class="wp-image-30"/><figcaption '
        'class="wp-element-caption">Harbour <em>at dawn</em></figcaption></figure>\n'
        "<!-- /wp:image -->\n\n"
        '<!-- wp:embed {"url":"' + YOUTUBE + '"} -->\n'
        '<figure class="wp-block-embed is-type-video is-provider-youtube">'
        '<div class="wp-block-embed__wrapper">\n' + YOUTUBE + "\n</div></figure>\n"
        "<!-- /wp:embed -->"
    )
    markup, unknown = convert(content, {})
    assert unknown == []
    assert markup == (
        "<p>Hello</p>\n"
        '<p><img src="/h.jpg" alt="" title="Harbour at dawn"></p>\n'
        f"<p>{YOUTUBE}</p>"
    )
    body = clean_html(markup)
    assert "<figcaption>Harbour at dawn</figcaption>" in body
    assert 'data-embed-id="dQw4w9WgXcQ"' in body


@pytest.mark.parametrize(
    "content",
    ["Привет, мир!\n\n你好，世界。", "5&nbsp;% &amp; more", "<p>Done</p>"],
)
def test_convert_keeps_text(content):
    markup, _ = convert(content, {})
    for word in content.replace("<p>", " ").replace("</p>", " ").split():
        assert word in markup


def test_convert_reports_unknown_shortcodes():
    markup, unknown = convert('Write to us:\n\n[contact-form-7 id="1"]', {})
    assert markup == '<p>Write to us:</p>\n<p>[contact-form-7 id="1"]</p>'
    assert unknown == ["contact-form-7"]
