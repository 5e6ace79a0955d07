"""Pictures for the demo, drawn here with Pillow: no stock photos, no downloads.

Each picture is a pure function of its description (size, seed, palette,
kind), so loading the demo twice draws the same bytes.
"""

import colorsys
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter


def hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t: float):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def gradient(draw, width: int, top: int, bottom: int, start, end) -> None:
    for y in range(top, bottom):
        draw.line(
            [(0, y), (width, y)], fill=mix(start, end, (y - top) / max(bottom - top, 1))
        )


def ridge(rng: random.Random, width: int, base: int, amplitude: int) -> list:
    """Return the outline of a hill range: a sum of a few sine waves."""
    waves = [
        (rng.uniform(0.5, 3.0), rng.uniform(0, math.tau), rng.uniform(0.3, 1.0))
        for _ in range(3)
    ]
    points = [(0, base + amplitude * 2)]
    for x in range(0, width + 8, 8):
        t = x / width * math.tau
        y = sum(weight * math.sin(t * f + phase) for f, phase, weight in waves)
        points.append((x, base - amplitude * y / 2))
    points.append((width, base + amplitude * 2))
    points.append((width, 10_000))
    points.append((0, 10_000))
    return points


def draw_landscape(draw, rng, width, height, colours) -> None:
    sky_top, sky_bottom, near, far = colours
    gradient(draw, width, 0, height, sky_top, sky_bottom)
    sun_x, sun_y, radius = rng.uniform(0.2, 0.8) * width, height * 0.3, height * 0.08
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius],
        fill=mix(sky_top, (255, 255, 240), 0.8),
    )
    for layer in range(3):
        colour = mix(far, near, layer / 2)
        base = int(height * (0.45 + layer * 0.15))
        draw.polygon(ridge(rng, width, base, int(height * 0.08)), fill=colour)
    if rng.random() < 0.7:  # a crack pattern for dry ground
        for _ in range(40):
            x, y = rng.uniform(0, width), rng.uniform(height * 0.8, height)
            draw.line(
                [(x, y), (x + rng.uniform(-60, 60), y + rng.uniform(-20, 20))],
                fill=mix(near, (0, 0, 0), 0.3),
                width=2,
            )


def draw_city(draw, rng, width, height, colours) -> None:
    sky_top, sky_bottom, wall, dark = colours
    gradient(draw, width, 0, height, sky_top, sky_bottom)
    x = 0
    while x < width:
        w, h = rng.randint(60, 180), rng.randint(int(height * 0.25), int(height * 0.7))
        shade = mix(dark, wall, rng.uniform(0, 0.5))
        draw.rectangle([x, height - h, x + w, height], fill=shade)
        for wy in range(height - h + 15, height - 20, 28):
            for wx in range(x + 10, x + w - 12, 22):
                if rng.random() < 0.45:
                    draw.rectangle([wx, wy, wx + 10, wy + 14], fill=(250, 220, 150))
        x += w + rng.randint(0, 12)
    steps = int(height * 0.12)
    for i in range(6):  # wide steps across the foreground
        y = height - steps + i * steps // 6
        draw.rectangle([0, y, width, y + steps // 6], fill=mix(wall, dark, i / 8))


def draw_harbour(draw, rng, width, height, colours) -> None:
    sky_top, sky_bottom, hull, water = colours
    horizon = int(height * 0.55)
    gradient(draw, width, 0, horizon, sky_top, sky_bottom)
    gradient(draw, width, horizon, height, mix(sky_bottom, water, 0.5), water)
    for _ in range(7):
        x, y = rng.uniform(0, width - 200), rng.uniform(horizon + 40, height - 60)
        size = rng.uniform(80, 200)
        draw.polygon(
            [
                (x, y),
                (x + size, y),
                (x + size * 0.85, y + size * 0.25),
                (x + size * 0.15, y + size * 0.25),
            ],
            fill=hull,
        )
        draw.line(
            [(x + size / 2, y), (x + size / 2, y - size * 0.8)], fill=hull, width=4
        )
    for y in range(horizon, height, 12):  # ripples
        draw.line(
            [(rng.uniform(0, width), y), (rng.uniform(0, width), y)],
            fill=mix(water, (255, 255, 255), 0.25),
            width=1,
        )


def draw_panels(draw, rng, width, height, colours) -> None:
    sky_top, sky_bottom, roof, panel = colours
    gradient(draw, width, 0, height, sky_top, sky_bottom)
    draw.polygon(
        [(0, height * 0.55), (width, height * 0.4), (width, height), (0, height)],
        fill=roof,
    )
    for row in range(4):
        for column in range(9):
            x = width * 0.08 + column * width * 0.095
            y = height * (0.52 + row * 0.11) - column * height * 0.016
            draw.polygon(
                [
                    (x, y),
                    (x + width * 0.085, y - height * 0.014),
                    (x + width * 0.085, y + height * 0.08),
                    (x, y + height * 0.094),
                ],
                fill=mix(panel, sky_top, 0.1 * rng.random()),
            )


PAINTERS = {
    "landscape": draw_landscape,
    "city": draw_city,
    "harbour": draw_harbour,
    "abstract": draw_panels,
}


def picture_jpeg(
    *, width: int, height: int, seed: int, palette: list[str], kind: str
) -> bytes:
    """Return a JPEG of an illustrative scene of `kind`, drawn from `seed`."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    PAINTERS[kind](
        ImageDraw.Draw(image), rng, width, height, [hex_rgb(c) for c in palette]
    )
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, progressive=True, optimize=True)
    return out.getvalue()


def portrait_jpeg(*, seed: int, hue: int, size: int = 400) -> bytes:
    """Return a JPEG of a stylised head-and-shoulders portrait on a coloured ground."""
    rng = random.Random(seed)

    def hsl(h, s, lightness):
        return tuple(round(c * 255) for c in colorsys.hls_to_rgb(h / 360, lightness, s))

    image = Image.new("RGB", (size, size), hsl(hue, 0.45, 0.75))
    draw = ImageDraw.Draw(image)
    skin = hsl(rng.uniform(15, 35), 0.45, rng.uniform(0.35, 0.75))
    clothes = hsl((hue + 180) % 360, 0.4, 0.3)
    hair = hsl(rng.uniform(0, 40), 0.35, rng.uniform(0.1, 0.35))
    draw.ellipse([size * 0.12, size * 0.68, size * 0.88, size * 1.35], fill=clothes)
    draw.rectangle([size * 0.43, size * 0.55, size * 0.57, size * 0.75], fill=skin)
    draw.ellipse([size * 0.3, size * 0.18, size * 0.7, size * 0.64], fill=skin)
    draw.chord([size * 0.28, size * 0.12, size * 0.72, size * 0.5], 180, 360, fill=hair)
    out = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(out, "JPEG", quality=85, progressive=True)
    return out.getvalue()
