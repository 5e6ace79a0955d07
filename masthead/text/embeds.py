"""Video embeds: a provider's URL on a line of its own becomes a click-to-play player.

Each handler takes a URL and returns an `Embed` or None; `find_embed` tries them
in order. The markup they lead to names the video but loads nothing from the
provider: ``static/masthead/js/embed.js`` swaps in the player on a click.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Embed:
    provider: str
    video_id: str
    watch_url: str
    label: str


YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
VIMEO_ID = re.compile(r"[0-9]{1,12}")


def youtube(url: str) -> Embed | None:
    """Return the embed of a YouTube watch, short, shorts or embed URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        return None
    path = parts.path.rstrip("/")
    if parts.hostname == "youtu.be":
        video_id = path.removeprefix("/")
    elif parts.hostname in YOUTUBE_HOSTS and path == "/watch":
        video_id = parse_qs(parts.query).get("v", [""])[0]
    elif parts.hostname in YOUTUBE_HOSTS and path.startswith(("/shorts/", "/embed/")):
        video_id = path.split("/", 2)[2]
    else:
        return None
    if not YOUTUBE_ID.fullmatch(video_id):
        return None
    return Embed(
        "youtube",
        video_id,
        f"https://www.youtube.com/watch?v={video_id}",
        "Play video (YouTube)",
    )


def vimeo(url: str) -> Embed | None:
    """Return the embed of a vimeo.com/NUMBER URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        return None
    if parts.hostname not in {"vimeo.com", "www.vimeo.com"}:
        return None
    video_id = parts.path.strip("/")
    if not VIMEO_ID.fullmatch(video_id):
        return None
    return Embed(
        "vimeo", video_id, f"https://vimeo.com/{video_id}", "Play video (Vimeo)"
    )


HANDLERS: list[Callable[[str], Embed | None]] = [youtube, vimeo]


def find_embed(url: str) -> Embed | None:
    """Return the first handler's embed for `url`, or None if no handler knows it."""
    for handler in HANDLERS:
        if embed := handler(url):
            return embed
    return None
