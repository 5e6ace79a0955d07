"""Turn WordPress post content into HTML that Masthead's body pipeline understands.

WordPress stores content half-formatted: paragraphs are blank lines, captions,
galleries and embeds are shortcodes, and block-editor posts carry `<!-- wp:… -->`
comments. `convert` resolves all of that into plain HTML, shaped so that
`masthead.text.markup.clean_html` finishes the job:

- a captioned image becomes `<p><img … title="Caption"></p>`, which the pipeline
  turns into a figure with a caption;
- an embedded video becomes its URL alone in a paragraph, which the pipeline
  turns into a click-to-play embed (YouTube, Vimeo) or leaves as text.

Shortcodes Masthead cannot convert stay in the text, literally, and are reported.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

# --- Gutenberg block comments ---

BLOCK_COMMENT = re.compile(
    r"<!--\s*/?wp:[a-z0-9][\w/-]*(?:\s+\{.*?\})?\s*/?-->", re.IGNORECASE | re.DOTALL
)
LINE_OF_BLOCK_COMMENTS = re.compile(
    rf"^[ \t]*(?:{BLOCK_COMMENT.pattern}[ \t]*)+(?:\n|$)",
    re.IGNORECASE | re.DOTALL | re.MULTILINE,
)
BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
IMAGE_FIGURE = re.compile(
    r'<figure\b[^>]*\bclass="[^"]*\bwp-block-image\b[^"]*"[^>]*>\s*'
    r"(?:<a\b[^>]*>\s*)?(<img\b[^>]*>)\s*(?:</a>\s*)?"
    r"(?:<figcaption\b[^>]*>(.*?)</figcaption>\s*)?</figure>",
    re.IGNORECASE | re.DOTALL,
)
EMBED_FIGURE = re.compile(
    r'<figure\b[^>]*\bclass="[^"]*\bwp-block-embed\b[^"]*"[^>]*>\s*'
    r'<div\b[^>]*\bclass="[^"]*\bwp-block-embed__wrapper\b[^"]*"[^>]*>\s*'
    r"(https?://[^\s<]+)\s*</div>\s*"
    r"(?:<figcaption\b[^>]*>(.*?)</figcaption>\s*)?</figure>",
    re.IGNORECASE | re.DOTALL,
)

# --- Shortcodes ---

NAME = r"[A-Za-z][\w-]*"
ESCAPED_TAG = re.compile(rf"\[(\[{NAME}\b[^\[\]]*\])\]")
ESCAPED_PAIR = re.compile(
    rf"\[(\[({NAME})\b[^\[\]]*\].*?\[/\2\])\]", re.DOTALL
)  # fmt: skip
CAPTION = re.compile(
    r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.IGNORECASE | re.DOTALL
)
EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.IGNORECASE | re.DOTALL)
VIDEO = re.compile(
    r"\[video\b([^\]]*?)/?\](?:([^\[]*?)\[/video\])?", re.IGNORECASE | re.DOTALL
)
GALLERY = re.compile(r"\[gallery\b([^\]]*?)/?\]", re.IGNORECASE)
ANY_SHORTCODE = re.compile(rf"(?<![\w\]])\[/?({NAME})(?=[\s\]/])[^\[\]]*\]")
SHORTCODE_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))|"([^"]*)"|'([^']*)'|(\S+)"""
)
HTML_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.DOTALL
)
CLOSING_LINK = re.compile(r"^\s*</a\s*>", re.IGNORECASE)
IMAGE_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
VIDEO_SOURCES = ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv")
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")

# --- Paragraphs ---

BLOCK_ELEMENTS = (
    "address article aside blockquote caption col colgroup dd details div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr "
    "legend li main menu nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul script style textarea iframe"
).split()
VOID_BLOCKS = {"hr", "col"}
WRAPPING_BLOCKS = {
    "address", "article", "aside", "blockquote", "details", "div", "fieldset",
    "footer", "form", "header", "main", "nav", "section",
}  # fmt: skip
BLOCK_TAG = re.compile(
    rf"<(/?)({'|'.join(BLOCK_ELEMENTS)})\b[^>]*?(/?)>", re.IGNORECASE
)  # fmt: skip
RAW_CONTENT = re.compile(
    r"(<(pre|script|style|textarea)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL
)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
LINE_BREAK = re.compile(r"(?:<br\s*/?>)?[ \t]*\n[ \t]*", re.IGNORECASE)
EXTRA_NEWLINES = re.compile(r"\n{2,}")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def convert(content: str, attachments: Mapping[int, str]) -> tuple[str, list[str]]:
    """Return WordPress `content` as HTML, and the shortcodes left unconverted.

    `attachments` maps attachment ids to their URLs, for galleries. The list
    is the one `convert_shortcodes` returns.
    """
    text = convert_figures(strip_blocks(content))
    text, unconverted = convert_shortcodes(text, attachments)
    return autop(text), unconverted


# --- Gutenberg ---


def strip_blocks(text: str) -> str:
    """Remove block-editor comments (`<!-- wp:… -->`, `<!-- /wp:… -->`, `/-->`).

    A line holding nothing but block comments goes entirely, and the blank
    lines left around it collapse to one, so paragraphs stay paragraphs.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = LINE_OF_BLOCK_COMMENTS.sub("", text)
    text = BLOCK_COMMENT.sub("", text)
    return BLANK_LINES.sub("\n\n", text).strip("\n")


def convert_figures(text: str) -> str:
    """Turn block-editor image and embed figures into what the pipeline reads.

    An image figure becomes a standalone image whose title is its caption; an
    embed figure becomes its URL alone on a line, its caption a paragraph.
    """
    text = IMAGE_FIGURE.sub(
        lambda match: standalone(captioned_image(match[1], match[2] or "")), text
    )
    return EMBED_FIGURE.sub(
        lambda match: (
            standalone(match[1])
            + (f"{match[2].strip()}\n\n" if match[2] and match[2].strip() else "")
        ),
        text,
    )


# --- Shortcodes ---


def convert_shortcodes(
    text: str, attachments: Mapping[int, str]
) -> tuple[str, list[str]]:
    """Replace the shortcodes Masthead understands; report the others.

    - `[caption]<img …> Text[/caption]` becomes `<img … title="Text">`, alone;
    - `[embed]URL[/embed]` and `[video src|mp4|…="URL"]` become the URL, alone;
    - `[gallery ids="1,2"]` becomes one standalone image per attachment id;
    - `[[name]]` is an escaped shortcode and becomes the literal `[name]`.

    Return the text and a deduplicated list of what was left unconverted: the
    name of each unknown (or unusable) shortcode, kept literally in the text,
    and "gallery:ID" for each gallery id missing from `attachments`.
    """
    text = without_placeholder_marks(text)
    kept: list[str] = []
    problems: list[str] = []

    def keep(literal: str) -> str:
        kept.append(literal)
        return f"\ue000{len(kept) - 1}\ue001"

    text = ESCAPED_TAG.sub(lambda match: keep(match[1]), text)
    text = ESCAPED_PAIR.sub(lambda match: keep(match[1]), text)
    text = CAPTION.sub(caption_markup, text)
    text = EMBED.sub(embed_markup, text)
    text = VIDEO.sub(video_markup, text)
    text = GALLERY.sub(lambda match: gallery_markup(match, attachments, problems), text)
    problems.extend(match[1] for match in ANY_SHORTCODE.finditer(text))
    text = restore(text, kept)
    return text, list(dict.fromkeys(problems))


def restore(text: str, kept: list[str]) -> str:
    """Put the literal text set aside by `convert_shortcodes` back, nested or not."""
    while PLACEHOLDER.search(text):
        text = PLACEHOLDER.sub(lambda match: kept[int(match[1])], text)
    return text


def caption_markup(match: re.Match) -> str:
    """Return a [caption] shortcode as a standalone image titled by its caption.

    The caption is the text after the image, or the old `caption` attribute.
    Without an image, the shortcode is kept and reported.
    """
    attributes = shortcode_attributes(match[2])
    image = IMAGE_TAG.search(match[3])
    if image is None:
        return match[0]
    caption = CLOSING_LINK.sub("", match[3][image.end() :])
    if not TAG.sub("", caption).strip():
        caption = attributes.get("caption", "")
    return standalone(captioned_image(image[0], caption))


def embed_markup(match: re.Match) -> str:
    """Return an [embed] shortcode as its URL alone, or keep it when it has none."""
    url = TAG.sub("", match[1]).strip()
    return standalone(url) if url.startswith(("http://", "https://")) else match[0]


def video_markup(match: re.Match) -> str:
    """Return a [video] shortcode as its first source URL, alone on a line."""
    attributes = shortcode_attributes(match[1])
    inner = TAG.sub("", match[2] or "").strip()
    urls = [attributes[name] for name in VIDEO_SOURCES if attributes.get(name)]
    if inner.startswith(("http://", "https://")):
        urls.append(inner)
    return standalone(urls[0].strip()) if urls else match[0]


def gallery_markup(
    match: re.Match, attachments: Mapping[int, str], problems: list[str]
) -> str:
    """Return a [gallery] as one standalone image per known attachment id.

    Unknown ids are added to `problems` as "gallery:ID"; a gallery without ids
    (one listing the post's own attachments) is kept and reported as "gallery".
    """
    ids = shortcode_attributes(match[1]).get("ids", "")
    numbers = [part.strip() for part in ids.split(",") if part.strip()]
    if not numbers:
        return match[0]
    images = []
    for number in numbers:
        url = attachments.get(int(number)) if number.isdigit() else None
        if url:
            images.append(f'<img src="{html.escape(url)}" alt="">')
        else:
            problems.append(f"gallery:{number}")
    return standalone("\n\n".join(images)) if images else "\n\n"


def shortcode_attributes(text: str) -> dict[str, str]:
    """Return a shortcode's named attributes, lower-cased names, decoded values."""
    attributes = {}
    for match in SHORTCODE_ATTRIBUTE.finditer(text):
        if match[1]:
            value = next(part for part in match.groups()[1:4] if part is not None)
            attributes[match[1].lower()] = html.unescape(value)
    return attributes


def captioned_image(image_tag: str, caption_html: str) -> str:
    """Return an `<img>` with src, alt, width, height and a plain-text title.

    The title is the caption with its markup removed; an image without a
    caption keeps its own title, if any.
    """
    attributes = {
        match[1].lower(): html.unescape(
            next(v for v in match.groups()[1:] if v is not None)
        )
        for match in HTML_ATTRIBUTE.finditer(image_tag)
    }
    caption = " ".join(html.unescape(TAG.sub("", caption_html)).split())
    if caption:
        attributes["title"] = caption
    markup = "".join(
        f' {name}="{html.escape(attributes[name])}"'
        for name in ("src", "alt", "width", "height", "title")
        if name in attributes
    )
    return f"<img{markup}>"


def without_placeholder_marks(text: str) -> str:
    """Drop the two private-use characters this module uses to set text aside."""
    return text.replace("\ue000", "").replace("\ue001", "")


def standalone(markup: str) -> str:
    """Return `markup` between blank lines, so it becomes its own paragraph."""
    return f"\n\n{markup}\n\n"


# --- Paragraphs ---


def autop(text: str) -> str:
    """Return `text` with paragraphs made explicit, the way WordPress shows them.

    Blank lines separate paragraphs; a single newline inside one becomes
    `<br>`. Block elements are never wrapped in `<p>`, but loose text inside a
    container such as `<blockquote>` or `<div>` is; text inside `<li>`, `<td>`,
    headings and other leaf blocks only gets its line breaks. The content of
    `<pre>`, `<script>`, `<style>` and `<textarea>`, and HTML comments, are
    left exactly as written.
    """
    text = without_placeholder_marks(text.replace("\r\n", "\n").replace("\r", "\n"))
    saved: list[str] = []

    def save(markup: str) -> str:
        saved.append(markup)
        return f"\ue000{len(saved) - 1}\ue001"

    text = RAW_CONTENT.sub(lambda match: f"{match[1]}{save(match[3])}{match[4]}", text)
    text = HTML_COMMENT.sub(lambda match: save(match[0]), text)
    pieces: list[str] = []
    open_blocks: list[str] = []
    position = 0
    for tag in BLOCK_TAG.finditer(text):
        pieces.append(wrap_run(text[position : tag.start()], open_blocks))
        pieces.append(tag[0])
        track_block(open_blocks, tag)
        position = tag.end()
    pieces.append(wrap_run(text[position:], open_blocks))
    return restore(EXTRA_NEWLINES.sub("\n", "".join(pieces)).strip(), saved)


def track_block(open_blocks: list[str], tag: re.Match) -> None:
    """Update the stack of open block elements for one block tag."""
    closing, name, self_closing = tag[1], tag[2].lower(), tag[3]
    if closing:
        if name in open_blocks:
            del open_blocks[len(open_blocks) - 1 - open_blocks[::-1].index(name) :]
    elif name not in VOID_BLOCKS and not self_closing:
        open_blocks.append(name)


def wrap_run(run: str, open_blocks: list[str]) -> str:
    """Return the text between two block tags with its paragraphs made explicit.

    At the top level or inside a container, each blank-line separated part
    becomes a `<p>`; inside a leaf block, only line breaks are added. A part
    that is nothing but HTML comments is not wrapped.
    """
    if not run.strip():
        return "\n" if "\n" in run else run
    if open_blocks and open_blocks[-1] not in WRAPPING_BLOCKS:
        return LINE_BREAK.sub("<br>\n", run.strip("\n"))
    paragraphs = []
    for part in PARAGRAPH_BREAK.split(run.strip()):
        part = part.strip()
        if not part:
            continue
        if PLACEHOLDER.sub("", part).strip() == "" and "\ue000" in part:
            paragraphs.append(part)
        else:
            paragraphs.append("<p>" + LINE_BREAK.sub("<br>\n", part) + "</p>")
    return "\n" + "\n".join(paragraphs) + "\n"
