"""Author pages: photo, bio, links and the author's articles."""

from django.shortcuts import render

from masthead.authors.models import Author
from masthead.pagination import paginate
from masthead.prepared import Prepared

AUTHOR_BY_SLUG = Prepared(lambda slug: Author.objects.filter(slug=slug), slug=str)


def author_detail(request, slug, page=1):
    """Show an author's profile and their published articles, newest first."""
    author = AUTHOR_BY_SLUG.one_or_404(slug=slug)

    def articles():
        # The reverse manager carries Article's QuerySet methods, so this app
        # needs no import from articles (imports point up the app list).
        return author.articles.published().for_listing().newest_first()

    context = {
        "author": author,
        "page_obj": paginate(request, articles, page, listing=f"author:{author.pk}"),
    }
    return render(request, "authors/author_detail.html", context)
