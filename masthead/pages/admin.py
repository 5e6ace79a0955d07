"""Static pages in the newsroom admin."""

from django import forms
from django.contrib import admin
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from masthead.pages.models import Page


class PageForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = [
            "title",
            "slug",
            "body_source",
            "source_format",
            "is_published",
            "show_in_menu",
            "position",
        ]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        # A page lives at /slug/, the last URL tried: a slug that another
        # route answers (admin, section, a year) would never be reached.
        try:
            match = resolve(f"/{slug}/")
        except Resolver404:
            return slug
        if match.namespace != "pages":
            raise forms.ValidationError(
                _("The address /%(slug)s/ is taken by another part of the site."),
                code="reserved",
                params={"slug": slug},
            )
        return slug


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    form = PageForm
    list_display = ["title", "slug", "is_published", "show_in_menu", "position"]
    list_editable = ["is_published", "show_in_menu", "position"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "body_source"]
