"""Reading WordPress export files: records, versions, errors and attacks."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from masthead.wordpress.wxr import (
    Site,
    WpAuthor,
    WpCategory,
    WpComment,
    WpItem,
    WpTag,
    WxrError,
    read_wxr,
)

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"\n'
    '  xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
    "<channel>\n"
    "<title>T</title>\n"
)
FOOTER = "</channel>\n</rss>\n"


def read_fixture(name: str, chunk_size: int = 4096) -> list:
    """Return every record of fixture `name`, read in chunks of `chunk_size`."""
    with open(FIXTURES / name, "rb") as stream:
        return list(read_wxr(stream, chunk_size=chunk_size))


def read_text(body: str) -> list:
    """Return the records of a small export whose channel holds `body`."""
    return list(read_wxr(io.BytesIO((HEADER + body + FOOTER).encode())))


def items(records: list) -> dict[int, WpItem]:
    """Return the items among `records`, by post id."""
    return {record.post_id: record for record in records if isinstance(record, WpItem)}


@pytest.fixture(scope="module")
def wxr12() -> list:
    return read_fixture("wxr12.xml")


def test_site_comes_first_and_once(wxr12):
    assert wxr12[0] == Site(
        title="The Daily & Weekly Gazette",
        link="https://gazette.example",
        base_site_url="https://gazette.example",
        base_blog_url="https://gazette.example/blog",
        wxr_version="1.2",
    )
    assert sum(isinstance(record, Site) for record in wxr12) == 1


def test_records_come_in_document_order(wxr12):
    kinds = [type(record).__name__ for record in wxr12]
    assert (
        kinds
        == ["Site"]
        + ["WpAuthor"] * 3
        + ["WpCategory"] * 2
        + ["WpTag"] * 2
        + ["WpItem"] * 9
    )


def test_chunk_boundaries_do_not_matter(wxr12):
    assert read_fixture("wxr12.xml", chunk_size=7) == wxr12


def test_authors(wxr12):
    authors = [record for record in wxr12 if isinstance(record, WpAuthor)]
    assert authors[0] == WpAuthor(
        id=1,
        login="editor",
        email="editor@gazette.example",
        display_name="Ed & Itor",
        first_name="Ed",
        last_name="Itor",
    )
    assert authors[1].display_name == "Ольга Петрова"
    assert authors[2] == WpAuthor(None, "ghost", "", "", "", "")


def test_categories_with_parents_and_tags(wxr12):
    categories = [record for record in wxr12 if isinstance(record, WpCategory)]
    assert categories == [
        WpCategory(3, "news", "", "News & Politics", "All the news"),
        WpCategory(4, "local", "news", "Local", ""),
    ]
    tags = [record for record in wxr12 if isinstance(record, WpTag)]
    assert tags == [
        WpTag(7, "%e6%9d%b1%e4%ba%ac", "東京", ""),
        WpTag(8, "elections", "Elections", "Votes"),
    ]


def test_published_post(wxr12):
    post = items(wxr12)[10]
    assert post.post_type == "post"
    assert post.title == "Council votes & budget passes"
    assert post.link == "https://gazette.example/2024/01/council-votes/"
    assert post.guid == "https://gazette.example/?p=10"
    assert post.creator == "editor"
    assert post.excerpt == "Short version"
    assert post.status == "publish"
    assert post.post_date_gmt == datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
    assert post.post_date == datetime(2024, 1, 15, 11, 30)
    assert post.post_date.tzinfo is None
    assert post.post_name == "council-votes"
    assert post.is_sticky is True
    assert post.categories == [
        ("category", "local", "Local"),
        ("post_tag", "elections", "Elections"),
    ]
    assert post.postmeta == {"_thumbnail_id": "30", "_edit_last": "1"}
    assert post.line == 48


def test_content_keeps_html_and_joins_split_cdata(wxr12):
    content = items(wxr12)[10].content
    assert content.startswith("<p>The council met.</p>\n\n")
    assert "5&nbsp;% &amp; more." in content  # HTML content is left as written
    assert content.endswith("Code: a[i]]> b")


def test_threaded_comments(wxr12):
    comments = items(wxr12)[10].comments
    assert comments[0] == WpComment(
        id=101,
        author="Reader & Friend",
        author_email="reader@example.org",
        author_url="https://reader.example.org",
        author_ip="192.0.2.1",
        date_gmt=datetime(2024, 1, 15, 10, 0, tzinfo=UTC),
        date=datetime(2024, 1, 15, 12, 0),
        content="Great <b>news</b>!",
        approved="1",
        type="comment",
        parent=0,
        user_id=0,
    )
    assert (comments[1].parent, comments[1].user_id) == (101, 1)
    orphan = comments[2]
    assert orphan.parent == 999  # its parent is not in the export
    assert orphan.approved == "spam"
    assert orphan.date_gmt is None
    assert (orphan.type, orphan.author_email) == ("", "")


def test_non_latin_text_and_zero_dates(wxr12):
    draft = items(wxr12)[11]
    assert draft.title == "Новости дня"
    assert draft.content == "Привет, мир! 你好，世界。"
    assert draft.status == "draft"
    assert draft.post_date_gmt is None
    assert draft.post_date == datetime(2024, 2, 1, 8, 0)
    assert draft.categories == [("post_tag", "%e6%9d%b1%e4%ba%ac", "東京")]


def test_every_status(wxr12):
    statuses = {item.post_id: item.status for item in items(wxr12).values()}
    assert set(statuses.values()) == {
        "publish",
        "draft",
        "pending",
        "future",
        "private",
        "trash",
        "inherit",
    }
    assert items(wxr12)[13].post_date_gmt == datetime(2030, 5, 1, 4, tzinfo=UTC)
    assert items(wxr12)[14].password == "s3cret"


def test_missing_and_empty_elements_get_defaults(wxr12):
    pending = items(wxr12)[12]
    assert pending.title == "Pending “quotes”"  # character references decoded
    assert pending.creator == ""  # a post with no author
    assert (pending.content, pending.excerpt, pending.link, pending.guid) == (
        "",
        "",
        "",
        "",
    )
    assert (pending.parent, pending.menu_order, pending.is_sticky) == (0, 0, False)
    assert (pending.post_date, pending.post_date_gmt) == (None, None)
    assert (pending.categories, pending.postmeta, pending.comments) == ([], {}, [])


def test_page_attachment_and_other_types(wxr12):
    by_id = items(wxr12)
    page = by_id[20]
    assert (page.post_type, page.post_name, page.menu_order) == ("page", "about", 3)
    attachment = by_id[30]
    assert attachment.post_type == "attachment"
    assert attachment.parent == 10
    assert attachment.attachment_url == (
        "https://gazette.example/wp-content/uploads/2024/01/harbour.jpg"
    )
    assert attachment.postmeta == {"_wp_attached_file": "2024/01/harbour.jpg"}
    assert by_id[40].post_type == "nav_menu_item"


def test_custom_taxonomy_terms_are_skipped(wxr12):
    assert not any(getattr(record, "term_id", None) == 9 for record in wxr12)


def test_wxr_1_0():
    records = read_fixture("wxr10.xml")
    site, category, tag, post = records
    assert site.wxr_version == "1.0"
    assert category == WpCategory(None, "uncategorized", "", "Uncategorized", "")
    assert tag == WpTag(None, "history", "History", "")
    assert post.content == "Welcome to WordPress.\nThis is your first post."
    assert post.post_date_gmt == datetime(2008, 6, 1, 10, 0, tzinfo=UTC)
    assert post.categories == [
        ("category", "uncategorized", "Uncategorized"),
        ("post_tag", "history", "History"),
    ]
    assert post.comments[0].author == "Mr WordPress"


def test_version_comes_from_namespace_without_wxr_version():
    xml = (
        '<rss xmlns:wp="http://wordpress.org/export/1.1/"><channel>'
        "<title>x</title><item><wp:post_id>5</wp:post_id></item></channel></rss>"
    )
    site, item = read_wxr(io.BytesIO(xml.encode()))
    assert site.wxr_version == "1.1"
    assert item.post_id == 5


def test_channel_without_records_still_gives_site():
    assert read_text("") == [Site("T", "", "", "", "1.2")]


def test_malformed_xml_reports_its_line():
    with pytest.raises(WxrError) as error:
        read_fixture("malformed.xml")
    assert error.value.line == 11
    assert "malformed XML" in str(error.value)
    assert str(error.value).startswith("line 11:")
    assert isinstance(error.value, ValueError)


def test_records_before_the_error_are_still_yielded():
    records = []
    with pytest.raises(WxrError), open(FIXTURES / "malformed.xml", "rb") as stream:
        for record in read_wxr(stream, chunk_size=64):
            records.append(record)
    assert [type(record) for record in records] == [Site, WpItem]


def test_item_without_post_id_reports_where_it_starts():
    body = "<item>\n<title>No id</title>\n</item>\n"
    with pytest.raises(WxrError, match="no wp:post_id") as error:
        read_text(body)
    assert error.value.line == 6


def test_non_integer_post_id():
    body = "<item>\n<title>Bad</title>\n<wp:post_id>12a</wp:post_id>\n</item>\n"
    with pytest.raises(WxrError, match="not an integer") as error:
        read_text(body)
    assert error.value.line == 8


def test_unparseable_date():
    body = (
        "<item>\n<wp:post_id>3</wp:post_id>\n"
        "<wp:post_date>yesterday</wp:post_date>\n</item>\n"
    )
    with pytest.raises(WxrError, match="not a date") as error:
        read_text(body)
    assert error.value.line == 8


def test_comment_without_id():
    body = (
        "<item>\n<wp:post_id>3</wp:post_id>\n"
        "<wp:comment>\n<wp:comment_content>Hi</wp:comment_content>\n</wp:comment>\n"
        "</item>\n"
    )
    with pytest.raises(WxrError, match="no wp:comment_id") as error:
        read_text(body)
    assert error.value.line == 8


@pytest.mark.parametrize(
    "xml, message",
    [
        (b"", "malformed XML"),
        (b"<feed><entry/></feed>", "not a WordPress export"),
        (b"<rss><nothing/></rss>", "no <channel>"),
        (b"<rss><channel><title>&nbsp;</title></channel></rss>", "undefined entity"),
    ],
)
def test_not_an_export(xml, message):
    with pytest.raises(WxrError, match=message):
        list(read_wxr(io.BytesIO(xml)))


def test_billion_laughs_is_refused():
    with pytest.raises(WxrError, match="declares entities") as error:
        read_fixture("billion_laughs.xml")
    assert error.value.line == 3


def test_external_entity_is_refused():
    with pytest.raises(WxrError, match="external entity") as error:
        read_fixture("external_entity.xml")
    assert "/etc/passwd" not in str(error.value)
    assert error.value.line == 3


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rss SYSTEM "http://attacker.example/evil.dtd">',
        '<!DOCTYPE rss PUBLIC "-//X//DTD X//EN" "http://attacker.example/x.dtd">',
        '<!DOCTYPE rss [<!ENTITY % dtd SYSTEM "http://attacker.example/"> %dtd;]>',
    ],
)
def test_external_dtds_are_refused(doctype):
    xml = f"<?xml version='1.0'?>\n{doctype}\n<rss><channel/></rss>"
    with pytest.raises(WxrError, match="refusing a DOCTYPE"):
        list(read_wxr(io.BytesIO(xml.encode())))


def test_plain_doctype_is_allowed():
    xml = b"<!DOCTYPE rss>\n<rss><channel><title>ok</title></channel></rss>"
    assert list(read_wxr(io.BytesIO(xml))) == [Site("ok", "", "", "", "")]
