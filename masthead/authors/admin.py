"""Authors in the newsroom admin: profiles with or without a login."""

from django.contrib import admin
from django.db import models

from masthead.authors.models import Author, AuthorLink


class AuthorLinkInline(admin.TabularInline):
    model = AuthorLink
    extra = 1
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    inlines = [AuthorLinkInline]
