"""The page cache: every public page rendered once per change, then served stored.

Terms: the *generation* is a token that changes whenever published content
changes (`generation.py`); a cached page is stored under the generation it was
rendered in, so a change makes every stored page unreachable at once and the
next request renders afresh. Pages also carry the moment they stop being true
by the clock alone (a scheduled article going live, comments closing, an
article leaving the news sitemap): past it, they are rendered again.

The cache sits in front of Django (`PageCacheApp`, a WSGI wrapper): a hit pays
for no middleware, no URL resolving, no database. `CachePolicyMiddleware`,
inside Django, decides which responses are public and says so in
Cache-Control; the wrapper stores only those.
"""
