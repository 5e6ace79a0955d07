"""WSGI entry point: Django wrapped in the page cache, for any WSGI server.

Anonymous readers' pages are answered from the cache before any middleware
runs (masthead/pagecache), and rendered, when missing, by Django with only the
middleware a reader's page needs. `masthead serve` runs this application behind
masthead/front.py, which answers the cache's hits itself.
"""

import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

application = get_wsgi_application()
if settings.MASTHEAD_PAGE_CACHE:
    from masthead.pagecache.app import PageCacheApp, readers_handler

    # Readers' pages are rendered without the middleware only visitors need.
    application = PageCacheApp(application, readers_handler())

# What start-up made (Django's and the apps' objects, about 70,000) lives as
# long as the process: frozen, the collector's full passes skip it. They had
# walked it every few hundred requests, 40 ms a time on a render's path.
gc.freeze()
