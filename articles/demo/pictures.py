"""Defines: demo hero images: abstract illustrations drawn with Pillow."""

import colorsys
import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

SCENES = ["hills", "skyline", "waves", "chart", "grid", "orbits"]
PALETTES = [
    ("dawn", (0.08, 0.62)),
    ("harbor blue", (0.58, 0.95)),
    ("forest", (0.33, 0.15)),
    ("dusk violet", (0.75, 0.05)),
]
SCENE_ALT = {
    "hills": "layered hills under a low sun",
    "skyline": "a city skyline of simple blocks",
    "waves": "rolling waves in horizontal bands",
    "chart": "rising bars of a chart",
    "grid": "a grid of dots like a circuit board",
    "orbits": "circles orbiting a bright center",
}


@dataclass(frozen=True)
class DemoImage:
    name: str  # file stem, e.g. "demo-hero-03-waves"
    alt: str
    caption: str
    content: bytes  # PNG


def _rgb(hue: float, lightness: float, saturation: float = 0.55) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


def generate_image(*, seed: int, number: int, width: int = 1280, height: int = 720) -> DemoImage:
    """An abstract illustration: a vertical gradient and a few flat shapes (a `scene`)."""
    rng = random.Random(f"newsroom-demo-image:{seed}:{number}")
    scene = SCENES[number % len(SCENES)]
    palette_name, (hue_top, hue_bottom) = PALETTES[number % len(PALETTES)]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = _rgb(hue_top, 0.72), _rgb(hue_bottom, 0.35)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    accent = _rgb(hue_top + 0.5, 0.55, 0.7)
    dark = _rgb(hue_bottom, 0.18)
    if scene == "hills":
        draw.ellipse([width * 0.62, height * 0.12, width * 0.78, height * 0.40], fill=accent)
        for layer in range(3):
            base = height * (0.55 + layer * 0.15)
            points = [(x, base - rng.uniform(0, height * 0.18)) for x in range(0, width + 160, 160)]
            draw.polygon([(0, height), *points, (width, height)], fill=_rgb(hue_bottom, 0.25 + layer * 0.1))
    elif scene == "skyline":
        x = 0
        while x < width:
            w = rng.randrange(50, 130)
            h = rng.uniform(0.2, 0.65) * height
            draw.rectangle([x, height - h, x + w - 6, height], fill=dark)
            for wy in range(int(height - h + 14), height - 20, 28):
                draw.rectangle([x + 10, wy, x + 18, wy + 10], fill=accent)
            x += w
    elif scene == "waves":
        for band in range(7):
            y0 = height * (0.35 + band * 0.1)
            points = [(x, y0 + 18 * ((x // 80 + band) % 2)) for x in range(0, width + 80, 80)]
            draw.line(points, fill=_rgb(hue_top + 0.5, 0.3 + band * 0.07), width=10)
    elif scene == "chart":
        bars = 9
        for i in range(bars):
            h = height * (0.15 + 0.65 * (i + rng.random()) / bars)
            left = width * (0.08 + i * 0.094)
            draw.rectangle([left, height * 0.9 - h, left + width * 0.06, height * 0.9], fill=accent)
        draw.line([(width * 0.05, height * 0.9), (width * 0.95, height * 0.9)], fill=dark, width=6)
    elif scene == "grid":
        for gx in range(40, width, 80):
            for gy in range(40, height, 80):
                r = rng.choice([4, 6, 10])
                draw.ellipse([gx - r, gy - r, gx + r, gy + r], fill=accent if rng.random() < 0.3 else dark)
    else:  # orbits
        cx, cy = width / 2, height / 2
        for ring in range(1, 6):
            r = ring * height * 0.08
            draw.ellipse([cx - r * 1.6, cy - r, cx + r * 1.6, cy + r], outline=dark, width=4)
            angle = rng.random()
            px, py = cx + r * 1.6 * (2 * angle - 1), cy
            draw.ellipse([px - 12, py - 12, px + 12, py + 12], fill=accent)
        draw.ellipse([cx - 40, cy - 40, cx + 40, cy + 40], fill=_rgb(hue_top, 0.85))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return DemoImage(
        name=f"demo-hero-{number + 1:02d}-{scene}",
        alt=f"Abstract illustration in {palette_name} tones: {SCENE_ALT[scene]}.",
        caption=f"An illustration of {SCENE_ALT[scene]}, made for the demo content.",
        content=buffer.getvalue(),
    )
