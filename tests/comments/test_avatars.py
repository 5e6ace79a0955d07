"""Avatars are drawn locally from a keyed hash: stable, distinct, valid SVG."""

import hashlib
import re
import xml.etree.ElementTree as ET

from masthead.comments.avatars import identicon_svg

SVG = "{http://www.w3.org/2000/svg}"
CELL = re.compile(r"M([0-9]) ([0-9])h1v1h-1z")


def test_same_digest_draws_the_same_avatar():
    assert identicon_svg(bytes(range(16))) == identicon_svg(bytes(range(16)))


def test_different_digests_draw_different_avatars():
    # Digests as privacy.avatar_digest makes them: keyed hashes, evenly spread.
    digests = [hashlib.blake2b(b"%d" % n, digest_size=16).digest() for n in range(200)]
    drawings = {identicon_svg(digest) for digest in digests}
    assert len(drawings) > 195


def test_avatar_is_valid_svg_hidden_from_screen_readers():
    root = ET.fromstring(identicon_svg(bytes(range(16)), size=40))
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("aria-hidden")) == ("40", "true")
    [shape] = root.findall(f"{SVG}path")
    # One unit square per cell, "M<x> <y>h1v1h-1z".
    positions = {(int(x), int(y)) for x, y in CELL.findall(shape.get("d"))}
    assert CELL.sub("", shape.get("d")) == ""
    assert positions and all(1 <= x <= 5 and 1 <= y <= 5 for x, y in positions)
    # Mirrored left to right: every cell has its twin.
    assert positions == {(6 - x, y) for x, y in positions}
