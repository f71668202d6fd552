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


def test_the_imagenette_quick_time_is_the_newest_recorded_one():
    """The README quotes quick mode's time on Imagenette-sized photos from the stand-in's record."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    record = (ROOT / "benchmarks" / "results" / "imagenette-standin-cpu.md").read_text(
        encoding="utf-8")
    newest = record.split("\n## ")[-1]
    (seconds,) = re.findall(r'DATASET = "imagenette" on the stand-in: (\d+) s \(papermill\)',
                            newest)
    quoted = re.search(r"\*\*(\d+) s\*\* on the 2-core AMD EPYC \(([\d-]+)\), within quick mode's "
                       r"5-minute budget", readme)
    assert quoted and quoted.group(1) == seconds and int(seconds) < 300
    assert newest.startswith(quoted.group(2)), "the README names the date of the newest record"
    assert "batch 64" in newest, "the record is of the recipe the notebook has now (batches of 64)"


def test_the_results_paragraph_quotes_the_committed_runs():
    """Every decimal number and percentage in the README's 'What the committed runs show'
    paragraph is printed by a committed lecture (an older run's numbers once stayed behind)."""
    import re

    import nbformat

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("What the committed runs show")
    paragraph = readme[start:readme.index("\n\n", start)]
    printed = []
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                printed.append(out.get("text", "") + str(data.get("text/plain", ""))
                               + str(data.get("text/markdown", "")))
    printed = "\n".join(printed)
    numbers = re.findall(r"[+-]?\d+\.\d+|\d+%", paragraph)
    assert len(numbers) > 10, "the paragraph should quote the runs"
    missing = [n for n in numbers if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", printed)]
    assert not missing, f"README numbers no committed lecture prints: {missing}"


def test_the_quick_mode_promise_follows_the_course_maps_times():
    """The first screen says how many lectures the committed runs finished under 5 minutes, and
    07's minutes; both must follow the course map's time column (which each lecture's tests tie
    to its own printed run time)."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The course map", 1)[1].split("\n\n", 2)[1]
    times = {int(row[3:5]): int(row.rsplit("|", 2)[1].strip().split()[0].replace(",", ""))
             for row in section.splitlines() if re.match(r"\| \[0\d ", row)}
    assert sorted(times) == [1, 2, 3, 4, 5, 6, 7], times
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
    under = sum(t < 300 for t in times.values())
    promise = re.search(r"(\w+) of the seven took\s+under 5 minutes and the longest, (\d\d), "
                        r"about (\d+)", readme)
    assert promise, "the first screen no longer says how long the committed quick runs took"
    longest = max(times, key=times.get)
    assert promise.group(1) == words.get(under), (promise.group(0), times)
    assert int(promise.group(2)) == longest, (promise.group(0), times)
    assert int(promise.group(3)) == round(times[longest] / 60), (promise.group(0), times)
