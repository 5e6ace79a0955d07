"""Static pages: About, Contact, a corrections policy; each at its own URL."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from masthead.articles.models import SourceFormat
from masthead.text import markup


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_menu(self):
        return self.published().filter(show_in_menu=True)


class Page(models.Model):
    """A page outside the news flow, reached from the site's menu or footer."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The page's address: /slug/."),
    )
    body_source = models.TextField(_("body"), blank=True)
    source_format = models.CharField(
        _("body format"),
        max_length=10,
        choices=SourceFormat,
        default=SourceFormat.MARKDOWN,
    )
    body_html = models.TextField(editable=False, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    show_in_menu = models.BooleanField(_("show in the footer menu"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    modified_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("static page")
        verbose_name_plural = _("static pages")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = markup.render_body(
            self.body_source, source_format=self.source_format
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"slug": self.slug})
