"""colorlab.course.notebook.start: the data each mode uses, the validation split, the fallback
warning."""

import numpy as np
import pytest
import torch
from PIL import Image

from colorlab.cifar import DownloadError
from colorlab.course import notebook
from colorlab.images import ImageSet


def fake_cifar(split, n):
    gen = torch.Generator().manual_seed(0 if split == "train" else 1)
    images = torch.randint(0, 256, (n, 3, 32, 32), dtype=torch.uint8, generator=gen)
    return ImageSet(images, torch.arange(n) % 10, [f"c{i}" for i in range(10)],
                    f"CIFAR-10 {split}: {n:,} images 32x32, 10 classes (fake)")


@pytest.fixture
def cifar_available(monkeypatch):
    """CIFAR-10 "is there": load_dataset('cifar10', ...) returns a fake set, and records calls."""
    asked = []
    real = notebook.load_dataset

    def load(name, split="train", size=32):
        asked.append(name)
        if name == "cifar10":
            return fake_cifar(split, 6000 if split == "train" else 3000)
        return real(name, split, size)

    monkeypatch.setattr(notebook, "load_dataset", load)
    monkeypatch.delenv("COLORLAB_DATASET", raising=False)
    return asked


def test_quick_mode_uses_cifar10_when_it_is_available(cifar_available, capsys):
    run = notebook.start("quick", train_images=3000, val_images=1000, test_images=500)
    out = capsys.readouterr().out
    assert cifar_available[0] == "cifar10"
    assert run.data == "CIFAR-10" and run.warning is None
    assert run.train.source.startswith("train: 3,000 of CIFAR-10")  # not the sample set
    assert (len(run.train), len(run.val), len(run.test)) == (3000, 1000, 500)
    assert "WARNING" not in out and "mode: quick" in out and "1,000 validation" in out


def test_quick_mode_falls_back_to_sample_loudly_when_offline(monkeypatch, capsys):
    real = notebook.load_dataset

    def offline(name, split="train", size=32):
        if name == "cifar10":
            raise DownloadError("Could not download CIFAR-10: no network.", "no network")
        return real(name, split, size)

    monkeypatch.setattr(notebook, "load_dataset", offline)
    monkeypatch.delenv("COLORLAB_DATASET", raising=False)
    run = notebook.start("quick")
    out = capsys.readouterr().out
    assert "sample" in run.train.source and run.warning
    assert "WARNING" in out and "NOT representative" in out and "no network" in out
    assert "NOT representative" in run.data


def test_smoke_mode_stays_offline_on_the_sample_set(cifar_available):
    run = notebook.start("smoke")
    assert cifar_available == ["sample", "sample"]
    assert (len(run.train), len(run.val), len(run.test)) == notebook.SIZES["smoke"]


def test_start_makes_every_figure_colorblind_safe(cifar_available):
    """Lines and bars take the Okabe-Ito colors, images viridis, once a lecture has started."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from colorlab.viz import OKABE_ITO

    plt.rcdefaults()
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][:2] != list(OKABE_ITO[:2])
    notebook.start("smoke")
    fig, ax = plt.subplots()
    lines = [ax.plot([0, 1])[0] for _ in range(3)]
    assert [to_hex(line.get_color()) for line in lines] == [c.lower() for c in OKABE_ITO[:3]]
    assert plt.rcParams["image.cmap"] == "viridis"
    plt.close(fig)
    plt.rcdefaults()


def test_validation_is_a_seeded_split_disjoint_from_training():
    data = fake_cifar("train", 400)
    data.images[:, 0, 0, 0] = torch.arange(400) % 256  # make every image unique with its index
    data.images[:, 0, 0, 1] = torch.arange(400) // 256
    key = lambda s: {(int(a), int(b)) for a, b in s.images[:, 0, 0, :2]}  # noqa: E731
    train, val = notebook.split_validation(data, 150, 100, seed=3)
    assert (len(train), len(val)) == (150, 100) and not key(train) & key(val)
    again, val_again = notebook.split_validation(data, 150, 100, seed=3)
    assert torch.equal(val.images, val_again.images) and torch.equal(train.images, again.images)
    _, other = notebook.split_validation(data, 150, 100, seed=4)
    assert not torch.equal(val.images, other.images)
    rest, _ = notebook.split_validation(data, None, 100, seed=3)
    assert len(rest) == 300


def test_a_folder_too_small_for_the_split_says_how_many_are_needed(tmp_path, monkeypatch):
    for i in range(30):
        Image.fromarray(np.full((8, 8, 3), i * 8, np.uint8)).save(tmp_path / f"{i:02d}.png")
    monkeypatch.setenv("COLORLAB_DATASET", str(tmp_path))
    with pytest.raises(ValueError, match=r"needs at least 4,000.*VAL_IMAGES"):
        notebook.start("quick")
    run = notebook.start("quick", val_images=5)  # a smaller validation set fits
    assert len(run.val) == 5 and run.data == f"folder {tmp_path.name}/"


def test_sizes_may_be_given_per_mode(cifar_available):
    run = notebook.start("quick", train_images={"quick": 2000, "full": 10}, val_images=500)
    assert len(run.train) == 2000 and len(run.val) == 500


@pytest.mark.parametrize("rate, preset, train", [(1000.0, "standard", 2000), (500.0, "half", 1000),
                                                 (90.0, "quarter", 500)])
def test_quick_mode_sizes_its_default_to_the_machine(cifar_available, monkeypatch, capsys, rate,
                                                     preset, train):
    monkeypatch.delenv("COLORLAB_QUICK_PRESET")
    monkeypatch.setattr(notebook, "speed_probe", lambda device: rate)
    run = notebook.start("quick", train_images={"quick": 2000}, val_images=500)
    assert run.preset == preset and len(run.train) == train
    out = capsys.readouterr().out
    assert f"quick-mode preset: {preset} ({train:,} of the default 2,000 training images)" in out
    assert f"at {rate:,.0f} images/s" in out


def test_an_explicit_train_images_or_a_pinned_preset_wins_over_the_probe(cifar_available,
                                                                         monkeypatch, capsys):
    monkeypatch.setattr(notebook, "speed_probe", lambda device: 10.0)
    monkeypatch.delenv("COLORLAB_QUICK_PRESET")
    run = notebook.start("quick", train_images=2000, val_images=500)
    assert len(run.train) == 2000 and "preset" not in capsys.readouterr().out
    monkeypatch.setenv("COLORLAB_QUICK_PRESET", "half")
    run = notebook.start("quick", train_images={"quick": 2000}, val_images=500)
    assert len(run.train) == 1000 and "quick-mode preset" not in capsys.readouterr().out
    monkeypatch.setenv("COLORLAB_QUICK_PRESET", "tiny")
    with pytest.raises(ValueError, match=r"COLORLAB_QUICK_PRESET.*'standard', 'half', 'quarter'"):
        notebook.start("quick", train_images={"quick": 2000}, val_images=500)


def test_the_speed_probe_measures_a_positive_rate():
    assert notebook.speed_probe(torch.device("cpu"), steps=1, repeats=2, batch_size=4) > 0


def test_the_speed_probe_leaves_the_seeded_generator_alone():
    """A quick run that probes the machine builds the same first model as one whose preset is
    pinned: the probe's UNet must not draw from the generator start() seeded."""
    torch.manual_seed(0)
    want = torch.rand(3)
    torch.manual_seed(0)
    notebook.speed_probe(torch.device("cpu"), steps=1, repeats=1, batch_size=2)
    assert torch.equal(torch.rand(3), want)


def test_text_progress_turns_every_bar_off(monkeypatch):
    from colorlab.progress import bars_enabled, tqdm

    monkeypatch.setenv("COLORLAB_PROGRESS", "text")
    assert not bars_enabled() and tqdm(range(3)).disable
    monkeypatch.setenv("COLORLAB_PROGRESS", "bar")
    assert bars_enabled() and not tqdm(range(3), file=open("/dev/null", "w")).disable


def test_knobs_with_nonsense_values_name_the_knob_and_what_it_takes():
    assert notebook.positive("EPOCHS", None) is None and notebook.positive("LR", 3e-3) == 3e-3
    for bad in (-1, 0, "6", True, 2.5):
        with pytest.raises(ValueError, match=r"EPOCHS = .*above 0, or None"):
            notebook.positive("EPOCHS", bad, integer=True)
    assert notebook.one_of("LOSS", "l1", ("l1", "mse")) == "l1"
    with pytest.raises(ValueError, match=r"LOSS = 'L2' is not one of 'l1', 'mse'"):
        notebook.one_of("LOSS", "L2", ("l1", "mse"))


def test_more_images_than_the_data_has_is_refused_at_start_naming_the_knob():
    with pytest.raises(ValueError, match=r"TRAIN_IMAGES = 100,000, but .* has only [\d,]+ train"):
        notebook.start("smoke", "sample", train_images=100_000)
    with pytest.raises(ValueError, match=r"TEST_IMAGES = 100,000, but .* has only [\d,]+ test"):
        notebook.start("smoke", "sample", test_images=100_000)
    with pytest.raises(ValueError, match=r"VAL_IMAGES = -5: it must be a whole number above 0"):
        notebook.start("smoke", "sample", val_images=-5)
    assert len(notebook.start("quick", "sample").train) > 0  # the defaults adapt to the data
    # and so does a notebook's own default by mode (the offline sample set is smaller)
    run = notebook.start("quick", "sample", train_images={"quick": 100_000},
                         test_images={"quick": 100_000})
    assert 0 < len(run.train) < 100_000 and 0 < len(run.test) < 100_000


def test_the_headline_names_the_number_format_and_training_does_not_repeat_it(cifar_available,
                                                                               capsys,
                                                                               monkeypatch):
    from colorlab import device as cdevice
    monkeypatch.delenv("COLORLAB_AMP", raising=False)
    cdevice._SAID.clear()
    notebook.start("smoke")
    out = capsys.readouterr().out
    dtype, why = cdevice.cpu_precision()
    assert f"| precision: {why} |" in out
    notebook.start("smoke", trains=False)  # a notebook that trains nothing (03)
    assert "precision" not in capsys.readouterr().out
    assert cdevice.autocast_dtype("cpu") == dtype and capsys.readouterr().out == ""
    monkeypatch.setenv("COLORLAB_AMP", "0")
    assert cdevice.precision_note("cpu") == "float32 (set by $COLORLAB_AMP=0)"


def test_summary_prints_the_run_time_since_start(cifar_available, capsys, monkeypatch):
    """The first cell of a lecture quotes its committed run's time: summary() prints it, counted
    from start(), on the line after the Summary line (which `make course` collects alone)."""
    clock = iter([100.0, 142.4])
    monkeypatch.setattr(notebook.time, "perf_counter", lambda: next(clock))
    notebook.start("smoke")
    capsys.readouterr()
    notebook.summary("test MSE 1.0e-03")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["Summary: test MSE 1.0e-03", "Run time: 42 s from start() to this line."]
