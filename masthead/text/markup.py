"""Article bodies: Markdown or HTML in, clean HTML out.

Every body goes through one allow-list sanitizer (nh3), whatever its source, and
only then through Masthead's own transforms, so the markup they add is trusted:

- an image alone in its paragraph becomes a figure; its title gives the caption
  and, after " | ", the credit;
- a YouTube or Vimeo URL alone in its paragraph becomes a click-to-play video
  (see `masthead.text.embeds`).

The output is stable: cleaning it again changes nothing.
"""

import html
import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

from masthead.text.embeds import find_embed

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "a", "blockquote", "q", "cite",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody",
    "tfoot", "tr", "th", "td", "figure", "figcaption", "img", "em", "strong", "b",
    "i", "u", "s", "del", "ins", "sub", "sup", "small", "code", "pre", "kbd",
    "abbr", "mark", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "figure": {"class", "data-embed-provider", "data-embed-id"},
    "small": {"class"},
    "span": {"class", "aria-hidden"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}

H1_TAG = re.compile(r"<(/?)h1\b", re.IGNORECASE)
IMAGE_PARAGRAPH = re.compile(r"<p>\s*(<img\b[^>]*>)\s*</p>")
URL_PARAGRAPH = re.compile(
    r'<p>\s*(?:<a href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>|([^<\s]+))\s*</p>'
)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')

markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def render_body(source: str, *, source_format: str) -> str:
    """Return clean HTML for a body written in "markdown" or "html".

    Raise ValueError for any other format.
    """
    if source_format == "markdown":
        return render_markdown(source)
    if source_format == "html":
        return clean_html(source)
    raise ValueError(f"unknown source format {source_format!r}")


def render_markdown(source: str) -> str:
    """Return clean HTML for Markdown `source` (CommonMark, tables, strikethrough)."""
    return clean_html(markdown.render(source))


def clean_html(dirty: str) -> str:
    """Return `dirty` HTML with only allowed markup, then figures and embeds made.

    A body's headings start at h2: the page's only h1 is the headline.
    """
    clean = nh3.clean(
        H1_TAG.sub(r"<\1h2", dirty),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )
    clean = IMAGE_PARAGRAPH.sub(figure_markup, clean)
    return URL_PARAGRAPH.sub(embed_markup, clean)


def figure_markup(match: re.Match) -> str:
    attributes = {
        name: html.unescape(value) for name, value in ATTRIBUTE.findall(match[1])
    }
    caption, _, credit = attributes.pop("title", "").partition(" | ")
    image = "".join(
        f' {name}="{html.escape(attributes[name])}"'
        for name in ("src", "alt", "width", "height")
        if name in attributes
    )
    parts = [html.escape(caption.strip())] if caption.strip() else []
    if credit.strip():
        parts.append(
            f'<small class="figure__credit">{html.escape(credit.strip())}</small>'
        )
    figcaption = f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""
    return f'<figure class="figure"><img{image} loading="lazy">{figcaption}</figure>'


def embed_markup(match: re.Match) -> str:
    href, text, bare = match.groups()
    url = html.unescape(bare or href)
    if href is not None and html.unescape(text) != url:
        return match[0]  # a link with words of its own stays a link
    embed = find_embed(url)
    if embed is None:
        return match[0]
    return (
        f'<figure class="embed embed--{embed.provider}"'
        f' data-embed-provider="{embed.provider}" data-embed-id="{embed.video_id}">'
        f'<a href="{html.escape(embed.watch_url)}" class="embed__poster"'
        ' rel="noopener">'
        '<span class="embed__play" aria-hidden="true"></span>'
        f'<span class="embed__label">{embed.label}</span></a></figure>'
    )


class TextExtractor(HTMLParser):
    """Collect the text of HTML, with a space where a block ends."""

    BLOCKS = {"p", "br", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption",
              "blockquote", "pre", "tr", "dt", "dd", "div", "figure"}  # fmt: skip
    SKIPPED = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def body_text(markup: str) -> str:
    """Return the plain text of HTML `markup`, entities decoded."""
    extractor = TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def image_count(markup: str) -> int:
    """Return how many images HTML `markup` shows."""
    return len(re.findall(r"<img\b", markup, re.IGNORECASE))
