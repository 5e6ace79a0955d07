"""Authors: the people named in bylines, with or without a login."""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from masthead.scriptprefix import script_prefix


class Author(models.Model):
    """A writer shown in bylines and "About the author"; a guest needs no login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text=_("The login of this author, if they have one."),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    bio = models.TextField(
        _("short bio"),
        blank=True,
        help_text=_("Two or three sentences, shown under each of their articles."),
    )
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Formatted, not reversed: every byline on a listing links its authors.
        # A test checks it against the URLconf.
        return f"{script_prefix()}author/{self.slug}/"

    @cached_property
    def link_list(self) -> list["AuthorLink"]:
        """Return the author's links, read once for the profile and its metadata."""
        return list(self.links.all())


class AuthorLink(models.Model):
    """A link on an author's page: their site, a social profile, a PGP key."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("label"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self):
        return self.label
