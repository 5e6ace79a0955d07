"""Pages as files: the public site written into a folder, and kept current.

`masthead publish-files DIR` renders every public page, feed and sitemap
through Django, as a reader would get it, and writes it under DIR with gzip
and brotli copies, beside the static files and media. nginx (deploy/) or any
static host serves DIR; Masthead answers only what is not there: the
newsroom, comment posts, and the rare address no file holds.

With --watch it stays running and follows the change log
(masthead.pagecache.models.Change): each change rewrites only the files it
affects, the largest audiences first (home page, feeds, the article itself,
listing first pages, then the rest), and only files whose bytes changed.
"""
