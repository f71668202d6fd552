"""How fast is colorlab.color next to scikit-image? RGB -> Lab and Lab -> RGB on a 12-megapixel
float32 image (3 x 3000 x 4000), 2 CPU threads, best of a few runs each.

    python benchmarks/color_speed.py [--repeat 3] [--height 3000 --width 4000] [--threads 2]

Prints both timings and the speed-up for each direction; exits with status 1 when colorlab is
less than 2x faster than scikit-image in either direction (the course's target).
Each library gets its own layout: scikit-image channels-last (H, W, 3), colorlab channels-first
(3, H, W). Both results are also compared, so a fast but wrong conversion cannot pass.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np
import torch
from skimage import color as skcolor

from colorlab import color

TARGET = 2.0  # colorlab must be at least this many times faster


def best_time(fn, repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``fn()``, in seconds (the least disturbed by others)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    rgb_hwc = rng.random((args.height, args.width, 3), dtype=np.float32)
    rgb = torch.from_numpy(rgb_hwc).permute(2, 0, 1).contiguous()  # (3, H, W)
    lab_hwc = skcolor.rgb2lab(rgb_hwc)
    lab = torch.from_numpy(lab_hwc).permute(2, 0, 1).contiguous()

    mp = args.height * args.width / 1e6
    print(f"image: 3 x {args.height} x {args.width} float32 ({mp:.1f} megapixels); "
          f"torch {torch.__version__} with {torch.get_num_threads()} threads; "
          f"{platform.python_implementation()} {platform.python_version()}; best of {args.repeat}")

    ok = True
    for name, ours, theirs, x, x_hwc in [
        ("rgb_to_lab", color.rgb_to_lab, skcolor.rgb2lab, rgb, rgb_hwc),
        ("lab_to_rgb", color.lab_to_rgb, skcolor.lab2rgb, lab, lab_hwc),
    ]:
        with torch.no_grad():
            ours(x)  # warm-up (first-call allocations)
            t_ours = best_time(lambda: ours(x), args.repeat)  # noqa: B023
        t_sk = best_time(lambda: theirs(x_hwc), args.repeat)  # noqa: B023
        with torch.no_grad():
            diff = (ours(x).permute(1, 2, 0).double() - torch.from_numpy(theirs(x_hwc))).abs().max()
        ratio = t_sk / t_ours
        verdict = "ok" if ratio >= TARGET else f"MISSED (target {TARGET:.0f}x)"
        ok &= ratio >= TARGET
        print(f"{name}: scikit-image {t_sk:.3f} s | colorlab {t_ours:.3f} s | "
              f"{ratio:.2f}x faster ({verdict}); max |difference| {diff:.1e}")
    print("PASS: both directions at least 2x faster" if ok else "FAIL: 2x target missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
