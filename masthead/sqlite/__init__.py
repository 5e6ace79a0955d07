"""Django's SQLite backend, with writers queued instead of polling (see base.py)."""
