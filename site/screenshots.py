"""Screenshots of the built site, one small PNG per lecture, into docs/screenshots/.

    make site && .venv/bin/python site/screenshots.py

Needs a Chromium (Debian: `apt-get install chromium`); not part of `make test`. Each page is
loaded from build/site/ by headless Chromium (MathJax typesets offline), captured at 1280 x 900,
scaled to 960 px wide and reduced to a 64-color palette so that the committed files stay small.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None or not (SITE / "index.html").is_file():
        print("needs chromium on the PATH and a built site (make site)", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for lecture in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        page = SITE / "notebooks" / f"{lecture.stem}.html"
        with tempfile.TemporaryDirectory() as tmp:
            shot = Path(tmp) / "shot.png"
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", "--window-size=1280,900",
                            "--virtual-time-budget=10000", f"--screenshot={shot}",
                            page.as_uri()], check=True, capture_output=True, timeout=120)
            image = Image.open(shot).convert("RGB").resize((960, 675), Image.LANCZOS)
        target = OUT / f"{lecture.stem}.png"
        image.quantize(64).save(target, optimize=True)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
