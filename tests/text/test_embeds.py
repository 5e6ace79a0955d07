"""Video embed handlers: which URLs become players, and which stay links."""

import pytest

from masthead.text.embeds import find_embed

ID = "aqz-KE-bpKQ"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={ID}",
        f"https://youtube.com/watch?v={ID}&t=42s",
        f"https://m.youtube.com/watch?feature=share&v={ID}",
        f"http://youtu.be/{ID}",
        f"https://youtu.be/{ID}?si=abc",
        f"https://www.youtube.com/shorts/{ID}",
        f"https://www.youtube.com/embed/{ID}",
    ],
)
def test_youtube_urls_become_youtube_embeds(url):
    embed = find_embed(url)
    assert (embed.provider, embed.video_id) == ("youtube", ID)
    assert embed.watch_url == f"https://www.youtube.com/watch?v={ID}"


@pytest.mark.parametrize(
    "url", ["https://vimeo.com/76979871", "https://www.vimeo.com/76979871/"]
)
def test_vimeo_urls_become_vimeo_embeds(url):
    embed = find_embed(url)
    assert (embed.provider, embed.video_id) == ("vimeo", "76979871")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/channel/UC123",
        "https://www.youtube.com/watch?v=short",
        f"https://www.youtube.com/watch?v={ID}x",
        f"https://youtube.com.evil.example/watch?v={ID}",
        f"javascript://youtu.be/{ID}",
        "https://vimeo.com/channels/staffpicks",
        "https://example.org/video.mp4",
        "not a url",
    ],
)
def test_other_urls_are_not_embeds(url):
    assert find_embed(url) is None
