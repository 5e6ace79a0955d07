"""Search presence: sitemaps, robots.txt, OpenGraph and JSON-LD metadata."""
