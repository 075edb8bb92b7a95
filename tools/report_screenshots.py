"""Retake the report screenshots in docs/images/: the default report in headless Chromium
(Debian's chromium, driven by tests/_chromium.py), English and 繁體中文, the first screen
(1280 x 900) and the whole page with every chart drawn (scaled to 800 px wide). Stored as
256-colour PNGs to keep the repository small.

    PYTHONPATH=src python3 tools/report_screenshots.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests._chromium import DRAWN, Browser, chromium_path  # noqa: E402

FULL_WIDTH = 800


def _store(raw: Path, target: Path, width: int | None = None) -> None:
    from PIL import Image

    with Image.open(raw) as image:
        image = image.convert("RGB")
        if width is not None and image.width != width:
            image = image.resize((width, round(image.height * width / image.width)),
                                 Image.Resampling.LANCZOS)
        image.quantize(256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    if chromium_path() is None:
        sys.exit("chromium is not installed (Debian: apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        page = work / "report.html"
        subprocess.run([sys.executable, "-m", "grandbargain", "report", "--out", str(page)],
                       check=True)
        with Browser(width=1280, height=900, timeout=180) as browser:
            browser.open(page.as_uri())
            for lang in ("en", "zh"):
                browser.evaluate(f"window.grandbargainSetLang('{lang}')")
                browser.evaluate("window.scrollTo(0, 0)")
                first = browser.screenshot(work / f"{lang}-first.png")
                browser.evaluate(f"window.grandbargainDrawAll('{lang}')")
                browser.wait_until(DRAWN % lang)
                browser.evaluate("window.scrollTo(0, 0)")
                full = browser.screenshot(work / f"{lang}-full.png", full_page=True)
                _store(first, args.out / f"report-{lang}-first-screen.png")
                _store(full, args.out / f"report-{lang}-full-page.png", FULL_WIDTH)
            if browser.log.errors:
                sys.exit(f"the page logged errors: {browser.log.errors}")
    for path in sorted(args.out.glob("report-*.png")):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
