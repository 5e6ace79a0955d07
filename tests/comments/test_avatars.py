"""Avatars are drawn locally from a keyed hash: stable, distinct, valid SVG."""

import xml.etree.ElementTree as ET

from masthead.comments.avatars import identicon_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_same_digest_draws_the_same_avatar():
    assert identicon_svg(bytes(range(16))) == identicon_svg(bytes(range(16)))


def test_different_digests_draw_different_avatars():
    drawings = {identicon_svg(bytes([n] * 8 + [n * 7 % 256] * 8)) for n in range(50)}
    assert len(drawings) > 40


def test_avatar_is_valid_svg_hidden_from_screen_readers():
    root = ET.fromstring(identicon_svg(bytes(range(16)), size=40))
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("aria-hidden")) == ("40", "true")
    cells = root.findall(f"{SVG}g/{SVG}rect")
    # Mirrored left to right: every cell has its twin.
    positions = {(int(c.get("x")), int(c.get("y"))) for c in cells}
    assert positions == {(6 - x, y) for x, y in positions}
