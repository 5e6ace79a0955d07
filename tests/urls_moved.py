"""The site's addresses under /moved/: tests/test_templating.py reads them."""

from django.urls import include, path

urlpatterns = [path("moved/", include("masthead.urls"))]
