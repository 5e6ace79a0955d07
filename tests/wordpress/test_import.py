"""Importing a WordPress export: mapping, idempotency, privacy, redirects, pages."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from PIL import Image

from masthead.articles.models import Article, Section, Tag
from masthead.authors.models import Author
from masthead.cli import main as masthead_main
from masthead.comments.models import Comment
from masthead.pages.models import Page
from masthead.wordpress.importer import wordpress_import
from masthead.wordpress.models import Imported, Redirect
from masthead.wordpress.wxr import WxrError

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "import.xml"
MODELS = [Article, Author, Section, Tag, Page, Comment, Imported, Redirect]


def run_import(path: Path = EXPORT, *, uploads=None, dry_run=False, text=None):
    """Import the export at `path` (or the export `text`); return the report."""
    data = text.encode() if text is not None else path.read_bytes()
    return wordpress_import(stream=io.BytesIO(data), uploads=uploads, dry_run=dry_run)


def snapshot() -> dict[str, int]:
    """Return how many rows each imported model has."""
    return {model.__name__: model.objects.count() for model in MODELS}


def article(wp_id: int) -> Article:
    """Return the article WordPress post `wp_id` became."""
    pk = Imported.objects.get(kind="post", wp_id=str(wp_id)).object_id
    return Article.objects.get(pk=pk)


def comment(wp_id: int) -> Comment:
    """Return the comment WordPress comment `wp_id` became."""
    pk = Imported.objects.get(kind="comment", wp_id=str(wp_id)).object_id
    return Comment.objects.get(pk=pk)


def all_database_text() -> str:
    """Return every row of every table as text, to search for personal data."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


@pytest.fixture
def uploads(tmp_path) -> Path:
    """Return a wp-content/uploads copy holding the harbour photo only."""
    folder = tmp_path / "uploads"
    (folder / "2024/03").mkdir(parents=True)
    Image.new("RGB", (40, 30), "navy").save(folder / "2024/03/harbour.png")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/crane.jpg").write_bytes(b"outside the uploads folder")
    return folder


@pytest.fixture
def imported(db, uploads):
    """Import the test export with its uploads; return the report."""
    return run_import(uploads=uploads)


def test_first_import_creates_every_kind(imported):
    assert imported.counts["post"]["created"] == 8
    assert imported.skipped[("post", "in the trash")] == 1
    assert imported.counts["page"]["created"] == 1
    assert imported.counts["attachment"]["created"] == 2
    assert imported.counts["comment"]["created"] == 8
    assert imported.skipped[("comment", "pingback or trackback")] == 1
    assert imported.skipped[("comment", "on a post in the trash")] == 1
    assert imported.counts["category"]["created"] == 5  # 4 listed + Uncategorized
    assert imported.counts["tag"]["created"] == 2
    assert imported.unknown_shortcodes == {"contact-form-7": 1}


def test_second_import_changes_nothing(imported, uploads):
    before = snapshot()
    rows = list(Article.objects.values().order_by("pk"))
    again = run_import(uploads=uploads)
    assert snapshot() == before
    assert list(Article.objects.values().order_by("pk")) == rows
    assert again.total("created") == 0
    assert again.total("updated") == 0
    assert again.counts["post"]["unchanged"] == 8
    assert again.counts["comment"]["unchanged"] == 8


def test_a_newer_export_updates_what_changed(imported, uploads):
    newer = EXPORT.read_text().replace(
        "Harbour reopens after the storm", "Harbour reopens, busier than ever"
    )
    report = run_import(text=newer, uploads=uploads)
    assert article(100).headline == "Harbour reopens, busier than ever"
    assert article(100).slug == "harbour-reopens"  # the address stays
    assert report.counts["post"]["updated"] == 1
    assert report.counts["post"]["unchanged"] == 7


@pytest.mark.parametrize(
    ("wp_id", "status", "published_at"),
    [
        (100, "published", datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC)),
        (102, "published", datetime.datetime(2031, 6, 1, 8, tzinfo=datetime.UTC)),
        (103, "draft", None),
        (104, "draft", None),
        (105, "draft", None),
        (107, "draft", None),  # password-protected: Masthead has no passwords
    ],
)
def test_statuses_map_to_masthead(imported, wp_id, status, published_at):
    assert article(wp_id).status == status
    assert article(wp_id).published_at == published_at


def test_future_post_is_scheduled_and_trash_is_skipped(imported):
    assert article(102).is_scheduled
    assert not Imported.objects.filter(kind="post", wp_id="106").exists()
    assert not Article.objects.filter(headline="Binned story").exists()


def test_local_date_is_read_in_the_site_time_zone(db, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    run_import()
    assert article(101).published_at == datetime.datetime(
        2024, 3, 2, 7, tzinfo=datetime.UTC
    )


def test_sticky_is_lead_and_excerpt_is_standfirst(imported):
    assert article(100).is_lead
    assert not article(108).is_lead
    assert article(100).standfirst == "The port is open again & busy."


def test_sections_tags_and_bylines(imported):
    harbour = article(100)
    assert harbour.section.slug == "port"  # the first category
    assert harbour.section.parent.slug == "news"
    assert Section.objects.get(slug="film").parent.slug == "arts"  # parent came later
    assert article(101).section.slug == "uncategorized"
    assert [tag.slug for tag in harbour.tags.all()] == ["harbour"]
    assert [author.name for author in harbour.authors.all()] == ["Anna Lindqvist"]
    assert [a.name for a in article(108).authors.all()] == ["Unknown author"]
    assert harbour.source_format == "html"


def test_comments_keep_their_threads_and_missing_parents_are_reported(imported):
    assert comment(1002).parent == comment(1001)
    assert comment(1001).parent is None
    assert comment(1008).parent is None
    assert imported.orphaned_comments == [1008]
    assert comment(1001).created_at == datetime.datetime(
        2024, 3, 1, 11, tzinfo=datetime.UTC
    )
    assert comment(1001).author_url == "https://maja.example.org"
    assert "the notice (https://port.example/notice)" in comment(1001).body


@pytest.mark.parametrize(
    ("wp_id", "status"),
    [(1001, "approved"), (1003, "pending"), (1004, "spam"), (1005, "trash")]
    + [(1006, "trash")],
)
def test_comment_statuses(imported, wp_id, status):
    assert comment(wp_id).status == status


def test_comment_counts_are_recounted(imported):
    assert article(100).comment_count == 3  # 1001, 1002, 1008
    assert article(101).comment_count == 1


def test_emails_and_ips_are_never_stored_in_clear(imported):
    text = all_database_text()
    for email in ["maja.reader@example.org", "anna.writer@news.example"]:
        assert email not in text
    for ip in ["203.0.113.77", "198.51.100.23"]:
        assert ip not in text
    assert set(Comment.objects.values_list("ip_digest", flat=True)) == {""}
    maja = comment(1001)
    assert maja.email_encrypted and len(maja.email_digest) == 64
    anna = Imported.objects.get(kind="author", wp_id="anna")
    assert anna.email_encrypted and len(anna.email_digest) == 64


def test_attachments_are_copied_or_listed(imported, settings):
    harbour = article(100)
    assert harbour.image.name == "wordpress/2024/03/harbour.png"
    assert (Path(settings.MEDIA_ROOT) / harbour.image.name).is_file()
    assert harbour.image_alt == "Fishing boats moored in the harbour"
    assert "/media/wordpress/2024/03/harbour.png" in harbour.body_source
    # Outside the uploads folder: never read, the original URL is kept.
    crane = "https://news.example/wp-content/uploads/2024/03/crane.jpg"
    assert crane in harbour.body_source
    assert imported.missing_attachments == [crane]


def test_without_uploads_the_original_urls_are_kept(db):
    report = run_import()
    assert not article(100).image
    assert len(report.missing_attachments) == 2


def test_redirects_from_old_addresses(imported, client):
    new = article(100).get_absolute_url()
    assert new == "/2024/03/01/harbour-reopens/"
    for old in [
        "/2024/03/harbour-reopens/",
        "/?p=100",
        "/?attachment_id=300",
        "/2024/03/harbour-reopens/harbour/",
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new
    assert client.get("/?page_id=200")["Location"] == "/about/"
    assert client.get("/company/about/")["Location"] == "/about/"
    crane = client.get("/?attachment_id=301")["Location"]
    assert crane.endswith("crane.jpg")
    assert client.get("/").status_code == 200
    assert client.get("/?p=999999").status_code == 404  # as WordPress answers


def test_no_redirect_to_a_draft(imported, client):
    assert client.get("/?p=103").status_code == 404  # a draft: no address yet
    assert not Redirect.objects.filter(old_path__endswith="?p=103").exists()


def test_dry_run_reports_and_saves_nothing(db, uploads, settings):
    report = run_import(uploads=uploads, dry_run=True)
    assert report.counts["post"]["created"] == 8
    assert set(snapshot().values()) == {0}
    assert not (Path(settings.MEDIA_ROOT) / "wordpress").exists()


def broken_export() -> str:
    """Return the test export with a broken last item (a post id that is text)."""
    return EXPORT.read_text().replace(
        "</channel>",
        "<item><title>Broken</title><wp:post_id>twelve</wp:post_id></item>\n</channel>",
    )


def broken_line() -> int:
    """Return the line of the broken record in `broken_export`."""
    text = broken_export()
    return text[: text.index("twelve")].count("\n") + 1


def test_a_broken_record_imports_nothing(db, uploads, settings):
    with pytest.raises(WxrError) as error:
        run_import(text=broken_export(), uploads=uploads)
    assert error.value.line == broken_line()
    assert set(snapshot().values()) == {0}
    assert not list((Path(settings.MEDIA_ROOT) / "wordpress").rglob("*.png"))


def test_the_command_reports_the_line_of_a_broken_record(db, tmp_path):
    path = tmp_path / "EXPORT.xml"
    path.write_text(broken_export())
    line = broken_line()
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_wordpress", str(path), stderr=stderr)
    assert exit_.value.code == 1
    assert f"{path} line {line}: wp:post_id is not an integer" in stderr.getvalue()
    assert set(snapshot().values()) == {0}


def test_masthead_import_wordpress_runs_the_command(db, capsys, monkeypatch):
    # run_from_argv closes every connection when done, the test's own included.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    masthead_main(["masthead", "import-wordpress", str(EXPORT), "--dry-run"])
    out = capsys.readouterr().out
    assert "Dry run: nothing was saved." in out
    assert "Harbour Town Courier" in out
    assert Article.objects.count() == 0


def test_non_latin_text_survives(imported, client):
    moscow = article(101)
    assert moscow.headline == "Москва встречает весну"
    assert moscow.slug == "post-101"
    assert moscow.authors.get().name == "Иван Соколов"
    assert moscow.tags.get().name == "Москва"
    response = client.get(moscow.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Весна пришла в город. 春が来た。" in page
    assert "Наконец-то тепло!" in page
    old = "/2024/03/москва/"
    assert client.get(old)["Location"] == moscow.get_absolute_url()


def test_an_imported_article_renders_at_its_url(imported, client):
    response = client.get(article(100).get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Harbour reopens after the storm" in page
    assert "Read time:" in page
    assert "About the author" in page
    assert "Anna Lindqvist" in page
    assert "Good to see the boats out again." in page
    assert "Thank you, Maja." in page
    for hidden in [
        "Buy discount pills tonight",
        "A remark someone binned",
        "Still waiting for moderation.",
        "as the Courier reported",
    ]:
        assert hidden not in page


def test_imported_page_is_served(imported, client):
    page = Page.objects.get(slug="about")
    assert page.is_published and not page.show_in_menu
    response = client.get("/about/")
    assert response.status_code == 200
    assert "We report on the harbour town." in response.content.decode()


def test_published_post_without_a_date_keeps_its_time_on_reimport(db):
    text = EXPORT.read_text().replace(
        "<wp:post_date_gmt>2024-03-05 10:00:00</wp:post_date_gmt>", ""
    )
    run_import(text=text)
    first = article(108).published_at
    assert abs(first - timezone.now()) < datetime.timedelta(minutes=1)
    report = run_import(text=text)
    assert article(108).published_at == first
    assert report.counts["post"]["updated"] == 0
