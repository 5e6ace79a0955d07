"""Stream records out of a WordPress export (WXR 1.0 to 1.2).

`read_wxr` feeds the file to expat in chunks and yields one plain record per
channel entry (`Site`, then `WpAuthor`, `WpCategory`, `WpTag` and `WpItem` in
document order), keeping only the entry being read in memory, so a file of any
size is read in constant space.

Security: WordPress never writes a DOCTYPE with entities or an external DTD, so
any such declaration is refused before it can be used (this blocks entity
expansion, "billion laughs", and external entity attacks). Expat never fetches
external entities itself either.

Every problem raises `WxrError` with the line it was found on: malformed XML
at the parser's position, a broken record at the line where the record starts.

Plain-text fields (titles, names, descriptions) have their HTML entities decoded;
HTML fields (post content, excerpts, comment text) are returned as written.
"""

from __future__ import annotations

import functools
import html
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from xml.parsers import expat

CHUNK_SIZE = 256 * 1024
NAME_SEPARATOR = " "
WP_NAMESPACE = re.compile(r"http://wordpress\.org/export/(1\.\d+)/(excerpt/)?$")
FIXED_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
RECORD_ELEMENTS = {"item", "wp:author", "wp:category", "wp:tag", "wp:term"}
ZERO_DATE = "0000-00-00 00:00:00"
TAXONOMY_ALIASES = {"tag": "post_tag"}  # WXR 1.0 called tags "tag"


class WxrError(ValueError):
    """A WordPress export that cannot be read; `line` is where (0 if unknown)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Site:
    """The channel header: which site the export comes from."""

    title: str
    link: str
    base_site_url: str
    base_blog_url: str
    wxr_version: str


@dataclass(frozen=True)
class WpAuthor:
    """A user listed in the export (WXR 1.1 and later)."""

    id: int | None
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class WpCategory:
    """A category; `parent_nicename` is the parent's slug, or ''."""

    term_id: int | None
    nicename: str
    parent_nicename: str
    name: str
    description: str


@dataclass(frozen=True)
class WpTag:
    """A post tag."""

    term_id: int | None
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class WpComment:
    """A comment on an item; `parent` is 0 for a top-level comment."""

    id: int
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date_gmt: datetime | None
    date: datetime | None
    content: str
    approved: str
    type: str
    parent: int
    user_id: int


@dataclass
class WpItem:
    """A post, page, attachment or other post type, with its comments.

    `categories` holds (taxonomy, slug, name) triples; the taxonomy is
    "category" or "post_tag" (WXR 1.0's "tag" is renamed), or a custom one.
    `line` is where the item starts in the file.
    """

    post_id: int
    post_type: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    status: str
    post_date_gmt: datetime | None
    post_date: datetime | None
    post_name: str
    parent: int
    menu_order: int
    is_sticky: bool
    password: str
    categories: list[tuple[str, str, str]] = field(default_factory=list)
    postmeta: dict[str, str] = field(default_factory=dict)
    attachment_url: str = ""
    comments: list[WpComment] = field(default_factory=list)
    line: int = 0


Record = Site | WpAuthor | WpCategory | WpTag | WpItem


@dataclass
class Node:
    """One element of the record being read: a minimal, throwaway tree."""

    name: str
    attributes: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    first: dict[str, Node] = field(default_factory=dict)

    def add(self, child: Node) -> None:
        """Append `child`, indexing it if it is the first of its name."""
        self.children.append(child)
        self.first.setdefault(child.name, child)

    @property
    def text(self) -> str:
        """Return the element's own text, CDATA sections joined."""
        return "".join(self.parts)

    def find(self, name: str) -> Node | None:
        """Return the first child called `name`, if any."""
        return self.first.get(name)

    def findall(self, name: str) -> list[Node]:
        """Return every child called `name`."""
        return [child for child in self.children if child.name == name]

    def raw(self, name: str) -> str:
        """Return the text of child `name` as written, or '' when it is missing."""
        child = self.find(name)
        return child.text if child is not None else ""

    def value(self, name: str) -> str:
        """Return the text of child `name`, stripped: for ids, slugs, states."""
        return self.raw(name).strip()

    def plain(self, name: str) -> str:
        """Return the text of child `name` with HTML entities decoded."""
        return html.unescape(self.raw(name)).strip()


def read_wxr(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterator[Record]:
    """Yield the records of the WordPress export `stream`, in document order.

    `Site` comes first, as soon as the channel header has been read. Raise
    `WxrError` for malformed XML, a refused DOCTYPE, or a broken record.
    """
    reader = WxrReader()
    while chunk := stream.read(chunk_size):
        reader.feed(chunk)
        yield from reader.drain()
    reader.close()
    yield from reader.drain()


class WxrReader:
    """An expat push parser that queues finished channel entries."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=NAME_SEPARATOR)
        self.parser.buffer_text = True
        self.parser.buffer_size = 64 * 1024
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.characters
        self.parser.StartNamespaceDeclHandler = self.namespace
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity
        self.parser.ExternalEntityRefHandler = self.external_entity
        self.open: list[str] = []
        self.building: list[Node] = []
        self.header: dict[str, str] = {}
        self.header_parts: list[str] | None = None
        self.namespace_version = ""
        self.site_sent = False
        self.queue: deque[Site | Node] = deque()

    @property
    def line(self) -> int:
        """Return the line the parser is on."""
        return self.parser.CurrentLineNumber

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Parse `chunk`, turning expat's errors into `WxrError`."""
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as error:
            message = expat.ErrorString(error.code)
            raise WxrError(
                f"malformed XML: {message} (column {error.offset + 1})", error.lineno
            ) from None

    def close(self) -> None:
        """Finish parsing; raise `WxrError` if there was no channel at all."""
        self.feed(b"", final=True)
        if not self.site_sent:
            raise WxrError("not a WordPress export: no <channel> found", self.line)

    def drain(self) -> Iterator[Record]:
        """Yield the records finished so far, forgetting each one."""
        while self.queue:
            entry = self.queue.popleft()
            record = entry if isinstance(entry, Site) else to_record(entry)
            if record is not None:
                yield record

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """Open an element: start or extend a record, or read the header."""
        name = short_name(name)
        depth = len(self.open)
        self.open.append(name)
        if depth == 0 and name != "rss":
            raise WxrError(
                f"not a WordPress export: the root element is <{name}>, not <rss>",
                self.line,
            )
        if self.building:
            node = Node(name, attributes, self.parser.CurrentLineNumber)
            self.building[-1].add(node)
            self.building.append(node)
        elif depth == 2 and self.open[1] == "channel":
            if name in RECORD_ELEMENTS:
                self.send_site()
                self.building.append(Node(name, attributes, self.line))
            else:
                self.header_parts = []

    def end(self, name: str) -> None:
        """Close an element: finish a record or a header field."""
        name = self.open.pop()
        if self.building:
            node = self.building.pop()
            if not self.building:
                self.queue.append(node)
        elif self.header_parts is not None and len(self.open) == 2:
            self.header.setdefault(name, "".join(self.header_parts))
            self.header_parts = None
        elif name == "channel":
            self.send_site()

    def characters(self, text: str) -> None:
        """Collect text for the record or header field being read."""
        if self.building:
            self.building[-1].parts.append(text)
        elif self.header_parts is not None and len(self.open) == 3:
            self.header_parts.append(text)

    def namespace(self, prefix: str | None, uri: str) -> None:
        """Note which WXR version the wp namespace declares."""
        match = WP_NAMESPACE.match(uri or "")
        if match and not match[2] and not self.namespace_version:
            self.namespace_version = match[1]

    def doctype(
        self, name: str, system_id: str | None, public_id: str | None, subset: int
    ) -> None:
        """Refuse a DOCTYPE that points at an external DTD."""
        if system_id or public_id:
            raise WxrError(
                "refusing a DOCTYPE with an external DTD (SYSTEM or PUBLIC): "
                "WordPress exports have none, and it could read local files",
                self.line,
            )

    def entity(
        self,
        name: str,
        is_parameter: int,
        value: str | None,
        base: str | None,
        system_id: str | None,
        public_id: str | None,
        notation: str | None,
    ) -> None:
        """Refuse any entity declaration: expansion and external entity attacks."""
        if system_id or public_id:
            raise WxrError(
                f"refusing a DOCTYPE that declares an external entity ({name!r}): "
                "WordPress exports have none, and it could read local files",
                self.line,
            )
        raise WxrError(
            f"refusing a DOCTYPE that declares entities ({name!r}): "
            "WordPress exports have none, and they can expand without limit",
            self.line,
        )

    def external_entity(self, *_details: object) -> int:
        """Refuse to resolve an external entity reference."""
        raise WxrError("refusing an external entity reference", self.line)

    def send_site(self) -> None:
        """Queue the `Site` record, once."""
        if self.site_sent:
            return
        self.site_sent = True
        header = self.header
        self.queue.append(
            Site(
                title=html.unescape(header.get("title", "")).strip(),
                link=header.get("link", "").strip(),
                base_site_url=header.get("wp:base_site_url", "").strip(),
                base_blog_url=header.get("wp:base_blog_url", "").strip(),
                wxr_version=header.get("wp:wxr_version", "").strip()
                or self.namespace_version,
            )
        )


@functools.lru_cache(maxsize=512)
def short_name(expat_name: str) -> str:
    """Return "prefix:local" for a namespaced name, whatever the WXR version.

    Every wp namespace (1.0 to 1.2) becomes "wp:", its excerpt namespace
    "excerpt:"; unknown namespaces keep the "{uri}local" form.
    """
    uri, separator, local = expat_name.rpartition(NAME_SEPARATOR)
    if not separator:
        return local
    if uri in FIXED_PREFIXES:
        return f"{FIXED_PREFIXES[uri]}:{local}"
    match = WP_NAMESPACE.match(uri)
    if match:
        return f"{'excerpt' if match[2] else 'wp'}:{local}"
    return f"{{{uri}}}{local}"


def to_record(node: Node) -> Record | None:
    """Return the record for a channel entry, or None for ones Masthead skips."""
    if node.name == "item":
        return to_item(node)
    if node.name == "wp:author":
        return to_author(node)
    if node.name == "wp:category":
        return to_category(node)
    if node.name == "wp:tag":
        return to_tag(node)
    return None  # wp:term: custom taxonomies


def to_author(node: Node) -> WpAuthor:
    """Build a `WpAuthor` from a wp:author element."""
    return WpAuthor(
        id=optional_int(node, "wp:author_id"),
        login=node.value("wp:author_login"),
        email=node.value("wp:author_email"),
        display_name=node.plain("wp:author_display_name"),
        first_name=node.plain("wp:author_first_name"),
        last_name=node.plain("wp:author_last_name"),
    )


def to_category(node: Node) -> WpCategory:
    """Build a `WpCategory` from a wp:category element."""
    return WpCategory(
        term_id=optional_int(node, "wp:term_id"),
        nicename=node.value("wp:category_nicename"),
        parent_nicename=node.value("wp:category_parent"),
        name=node.plain("wp:cat_name"),
        description=node.plain("wp:category_description"),
    )


def to_tag(node: Node) -> WpTag:
    """Build a `WpTag` from a wp:tag element."""
    return WpTag(
        term_id=optional_int(node, "wp:term_id"),
        slug=node.value("wp:tag_slug"),
        name=node.plain("wp:tag_name"),
        description=node.plain("wp:tag_description"),
    )


def to_item(node: Node) -> WpItem:
    """Build a `WpItem` from an item element; raise `WxrError` if it is broken."""
    post_id = optional_int(node, "wp:post_id")
    if post_id is None:
        raise WxrError("item has no wp:post_id", node.line)
    return WpItem(
        post_id=post_id,
        post_type=node.value("wp:post_type") or "post",
        title=node.plain("title"),
        link=node.value("link"),
        guid=node.value("guid"),
        creator=node.value("dc:creator"),
        content=node.raw("content:encoded"),
        excerpt=node.raw("excerpt:encoded"),
        status=node.value("wp:status"),
        post_date_gmt=parse_date(node, "wp:post_date_gmt", aware=True),
        post_date=parse_date(node, "wp:post_date", aware=False),
        post_name=node.value("wp:post_name"),
        parent=optional_int(node, "wp:post_parent") or 0,
        menu_order=optional_int(node, "wp:menu_order") or 0,
        is_sticky=node.value("wp:is_sticky") == "1",
        password=node.raw("wp:post_password"),
        categories=item_terms(node),
        postmeta=item_meta(node),
        attachment_url=node.value("wp:attachment_url"),
        comments=[to_comment(child) for child in node.findall("wp:comment")],
        line=node.line,
    )


def item_terms(node: Node) -> list[tuple[str, str, str]]:
    """Return an item's (taxonomy, slug, name) triples, in order, without repeats.

    WXR 1.0 lists each term twice, once without a domain or slug; those copies
    are dropped when the same term also appears with its slug.
    """
    terms: list[tuple[str, str, str]] = []
    for child in node.findall("category"):
        domain = child.attributes.get("domain", "").strip()
        if domain:
            slug = child.attributes.get("nicename", "").strip()
            name = html.unescape(child.text).strip()
            terms.append((TAXONOMY_ALIASES.get(domain, domain), slug, name))
    with_slugs = {(taxonomy, name) for taxonomy, slug, name in terms if slug}
    kept = [term for term in terms if term[1] or (term[0], term[2]) not in with_slugs]
    return list(dict.fromkeys(kept))


def item_meta(node: Node) -> dict[str, str]:
    """Return an item's post meta; a repeated key keeps its first value."""
    meta: dict[str, str] = {}
    for child in node.findall("wp:postmeta"):
        key = child.value("wp:meta_key")
        if key:
            meta.setdefault(key, child.raw("wp:meta_value"))
    return meta


def to_comment(node: Node) -> WpComment:
    """Build a `WpComment` from a wp:comment element."""
    comment_id = optional_int(node, "wp:comment_id")
    if comment_id is None:
        raise WxrError("comment has no wp:comment_id", node.line)
    return WpComment(
        id=comment_id,
        author=node.plain("wp:comment_author"),
        author_email=node.value("wp:comment_author_email"),
        author_url=node.value("wp:comment_author_url"),
        author_ip=node.value("wp:comment_author_IP"),
        date_gmt=parse_date(node, "wp:comment_date_gmt", aware=True),
        date=parse_date(node, "wp:comment_date", aware=False),
        content=node.raw("wp:comment_content"),
        approved=node.value("wp:comment_approved"),
        type=node.value("wp:comment_type"),
        parent=optional_int(node, "wp:comment_parent") or 0,
        user_id=optional_int(node, "wp:comment_user_id") or 0,
    )


def optional_int(node: Node, name: str) -> int | None:
    """Return child `name` as an int, None when missing or empty.

    Raise `WxrError`, at the child's line, when it is not an integer.
    """
    child = node.find(name)
    text = child.text.strip() if child is not None else ""
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise WxrError(f"{name} is not an integer: {text!r}", child.line) from None


def parse_date(node: Node, name: str, *, aware: bool) -> datetime | None:
    """Return child `name` as a datetime, in UTC when `aware`, else naive.

    A missing, empty or all-zero date gives None; anything else unreadable
    raises `WxrError` at the child's line.
    """
    child = node.find(name)
    text = child.text.strip() if child is not None else ""
    if not text or text == ZERO_DATE:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WxrError(f"{name} is not a date: {text!r}", child.line) from None
    if aware:
        return (
            moment.replace(tzinfo=UTC)
            if moment.tzinfo is None
            else moment.astimezone(UTC)
        )
    return moment.replace(tzinfo=None)
