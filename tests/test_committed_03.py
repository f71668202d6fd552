"""What notebook 03's markdown says about the run committed with it, checked against that run's
printed outputs (the committed file is read, nothing is re-run)."""

from pathlib import Path

import pytest
from committed import finder, read

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_lab_color_math.ipynb"


@pytest.fixture(scope="module")
def committed():
    _, markdown, printed, _ = read(NOTEBOOK)
    return markdown, printed


found = finder("03")


def test_the_data_facts_quoted_are_the_committed_run(committed):
    markdown, printed = committed
    assert "data: CIFAR-10" in printed  # the text says the committed run is CIFAR-10
    psnr, ssim = found(r"gray baseline \(L kept, ab = 0\) on [\d,]+ test images \(quick mode\): "
                       r"PSNR (\d+\.\d\d) dB, SSIM (0\.\d{3})", printed)
    shares = [found(rf"chroma sqrt\(a² \+ b²\) < {r}: (\d+\.\d)%", printed)[0]
              for r in (10, 20, 40)]
    assert f"the gray baseline scores PSNR {psnr} dB and SSIM {ssim}" in markdown
    assert f"{psnr} dB and SSIM {ssim} on CIFAR-10's test images" in markdown
    assert f"{shares[1]}% ({shares[0]}% below 10, {shares[2]}% below 40)" in markdown
    rounded = round(float(shares[1]))
    assert f"({rounded}% with chroma below 20 here)" in markdown
    assert f"committed run's {psnr} dB and {rounded}%" in markdown


def test_the_printed_errors_and_distances_quoted(committed):
    markdown, printed = committed
    low, high = found(r"ΔE from (\d+\.\d) to (\d+\.\d)", printed)
    assert f"span ΔE {low} to {high}" in markdown
    assert f"pairs 0.08-0.10 apart in RGB range from ΔE {low} to {high}" in markdown
    (trip,) = found(r"round trip sRGB -> linear -> sRGB: max \|error\| (\d\.\de-\d\d)", printed)
    assert f"printed a max error of {trip}" in markdown
    (lab64,) = found(r"my_rgb_to_lab \(float64\): max \|error\| vs scikit-image "
                     r"(\d\.\de-\d\d)", printed)
    (lab32,) = found(r"my_rgb_to_lab \(float32\): max \|error\| vs scikit-image "
                     r"(< 1e-\d\d)", printed)
    assert f"off by {lab64} in float64, and in float32 still by less than {lab32[2:]}" in markdown
    (blur,) = found(r"ab blurred 16x: PSNR (\d+\.\d) dB", printed)
    assert f"still scores PSNR {blur} dB" in markdown
