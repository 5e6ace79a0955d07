"""The page cache: every public page rendered once per change, then served stored.

Terms:

- the *generation* is a token that changes whenever content readers can see
  changes (`generation.py`); a cached page is stored under the generation it
  was rendered in, so a change makes every stored page unreachable at once and
  the next request renders afresh;
- the *change log* (`models.Change`) says what changed, for publish-files,
  which rewrites only the files a change affects;
- pages also carry the moment they stop being true by the clock alone
  (`expiry.py`: a scheduled article going live, comments closing, an article
  leaving the news sitemap): past it, they are rendered again.

The cache sits in front of Django (`app.PageCacheApp`, a WSGI wrapper): a hit
pays for no middleware, no URL resolving, no database. `CachePolicyMiddleware`,
inside Django, decides which responses are public and says so in
Cache-Control; the wrapper stores only those. Lower apps never import this
one: model signals and `comments_counted` tell it what changed
(`signals.py`), and it registers the generation with `masthead.memo` for
reader code's memoized values.
"""
