"""The README's first screen starts a learner: clone, `make lab`, open notebook 01; the same
without make (Windows included); `make course` and `make test`, said to be for a full run and
for instructors and CI. Scale-out material (torchrun, DDP, decode rates) lives in docs/scale.md.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_SCREEN = 45  # lines


def test_first_screen_starts_a_learner():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    screen = "\n".join(readme.splitlines()[:FIRST_SCREEN])
    for needed in ("git clone", "make lab", "notebooks/01_regression_toy.ipynb", "venv",
                   "py -m venv .venv", "pip install -e .", "make course", "make test",
                   "instructors and CI"):
        assert needed in screen, f"README's first {FIRST_SCREEN} lines lack {needed!r}"
    for elsewhere in ("torchrun", "DDP", "DistributedDataParallel", "--workers"):
        assert elsewhere not in screen, f"{elsewhere!r} belongs further down or in docs/scale.md"
    assert "torchrun --standalone" in (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
