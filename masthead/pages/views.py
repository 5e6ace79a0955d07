"""Static pages."""

from django.shortcuts import get_object_or_404, render

from masthead.pages.models import Page


def page_detail(request, slug):
    """Show a published static page."""
    page = get_object_or_404(Page.objects.published(), slug=slug)
    return render(request, "pages/page_detail.html", {"page": page})
