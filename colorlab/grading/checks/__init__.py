"""The feedback checks that exercise notebooks call: ``from colorlab.grading.checks import ...``.

Each check runs the learner's function on a few cases (edge cases included), compares it with a
reference, and either prints a pass mark (``✔ srgb_to_linear: 4 cases pass``) or raises
:class:`CheckFailed` whose first line says what is off and what to try, for example
``xyz_to_lab: L is 16 too high everywhere: did you forget the -16? ...``. In a notebook the
failure shows as that message alone, not a traceback; the grader sees a failed cell.

    harness   CheckFailed and the generic pieces every check is built from
    alone     grading a task on its own (on_its_own), a model's stage shapes (stage_shapes)
    nb01      mean intensity, constant baseline, a forward pass's shape, the tiny CNN's layers
    nb02      PSNR, the down and up blocks, encoder and decoder, the Autoencoder
    nb03      sRGB <-> linear, RGB -> XYZ -> Lab -> RGB (references: colorlab.color)
    nb04      the UNet's forward pass, the gray baseline, colorize, one training step
    nb05      rebalancing weights, the annealed mean (colorlab.bins); the AuC (colorlab.metrics);
              the soft-encoded, rebalanced cross-entropy (colorlab.bins.weighted_ce)
    nb06      int8 fake-quantization, channels to keep when pruning (references: colorlab.deploy)
    nb07      the perceptual feature distance, the class-conditioned bottleneck, the adversarial
              loss's two terms (the critic's and the colorizer's)

Generic pieces, to build new checks: :func:`rel_error`, :func:`check_shape`, :func:`check_close`
(with ``hints``: a list of ``(predicate(got, want), message)`` pairs; :func:`near` makes a
predicate that recognizes a known wrong answer) and :func:`check_function`; :func:`build` makes a
learner's model inside a check cell (``check_forward_shape(build(down, 3, 8), ...)``), so code not
written yet reads "not implemented yet". References come from ``colorlab`` itself, imported only
when a check needs them.

The grader (:func:`colorlab.grading.guard.guard`) loads this package afresh from its files before
every check cell: each module of :data:`PARTS`, in that order, then this file. A new catalog goes
into PARTS (after the modules it imports from); tests/test_assign.py checks that PARTS lists them
all.
"""

import functools

from .alone import on_its_own, stage_shapes
from .harness import (
    FAIL,
    PASS,
    CheckFailed,
    build,
    check_close,
    check_function,
    check_shape,
    near,
    rel_error,
)
from .nb01 import (
    check_constant_baseline,
    check_forward_shape,
    check_mean_intensity,
    check_tiny_cnn,
)
from .nb02 import check_autoencoder, check_down_up, check_encoder_decoder, check_psnr
from .nb03 import (
    check_lab_to_rgb,
    check_linear_to_srgb,
    check_rgb_to_xyz,
    check_srgb_to_linear,
    check_xyz_to_lab,
)
from .nb04 import check_colorize, check_gray_baseline, check_train_step, check_unet_forward
from .nb05 import (
    check_ab_auc,
    check_annealed_mean,
    check_rebalanced_soft_ce,
    check_rebalancing_weights,
)
from .nb06 import check_channels_to_keep, check_fake_quantize
from .nb07 import (
    check_conditioned_bottleneck,
    check_discriminator_loss,
    check_feature_distance,
    check_generator_loss,
)

# in import order (nb04 uses nb03, the catalogs use alone)
PARTS = ("harness", "alone", "nb01", "nb02", "nb03", "nb04", "nb05", "nb06", "nb07")

# the task each check grades (the exercises' "# TASK x.y" cells)
TASK_OF = {
    "check_mean_intensity": "1.1", "check_constant_baseline": "1.2", "check_tiny_cnn": "1.3",
    "check_psnr": "2.1", "check_down_up": "2.2", "check_autoencoder": "2.3",
    "check_srgb_to_linear": "3.1", "check_linear_to_srgb": "3.1", "check_rgb_to_xyz": "3.2",
    "check_xyz_to_lab": "3.3", "check_lab_to_rgb": "3.4",
    "check_gray_baseline": "4.1", "check_unet_forward": "4.2", "check_colorize": "4.3",
    "check_train_step": "4.4",
    "check_rebalancing_weights": "5.1", "check_annealed_mean": "5.2", "check_ab_auc": "5.3",
    "check_rebalanced_soft_ce": "5.4",
    "check_fake_quantize": "6.1", "check_channels_to_keep": "6.2",
    "check_feature_distance": "7.1", "check_conditioned_bottleneck": "7.2",
    "check_discriminator_loss": "7.3", "check_generator_loss": "7.4",
}


FAILING: dict[str, str] = {}  # check name -> first line of its failure, until it passes again


def _remembered(check):
    """``check``, noting in :data:`FAILING` whether it failed, so a later error can name it."""
    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            result = check(*args, **kwargs)
        except CheckFailed as err:
            FAILING[check.__name__] = str(err).splitlines()[0]
            raise CheckFailed(str(err)) from None  # no frame of this wrapper in the traceback
        FAILING.pop(check.__name__, None)
        return result

    return wrapper


for _name in TASK_OF:
    globals()[_name] = _remembered(globals()[_name])


def fix_first(error: BaseException) -> str | None:
    """For an error in a cell that is not a check (an assert, a shape error in a later cell of the
    exercise): which task to fix first, when a task's check failed and has not passed since."""
    failing = {TASK_OF[name]: first for name, first in FAILING.items() if name in TASK_OF}
    if isinstance(error, CheckFailed) or not failing:
        return None
    task = min(failing, key=lambda t: tuple(int(n) for n in t.split(".")))
    return (f"{FAIL} Task {task} has not passed its check yet ({failing[task]}); this error may "
            f"come from it. Fix task {task} first, re-run its check cell, then this cell.")


def _say_which_task_after_errors() -> None:
    """In a notebook (IPython), follow every error's traceback with :func:`fix_first`'s line."""
    import sys

    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is None:
        return

    def show(shell, etype, value, tb, tb_offset=None):
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        hint = fix_first(value)
        if hint:
            print(hint)

    shell.set_custom_exc((Exception,), show)


_say_which_task_after_errors()

__all__ = [
    "FAIL", "FAILING", "PASS", "TASK_OF", "fix_first", "CheckFailed", "build", "check_close",
    "check_function", "check_shape",
    "near", "rel_error", "on_its_own", "stage_shapes",
    "check_constant_baseline", "check_forward_shape", "check_mean_intensity", "check_tiny_cnn",
    "check_autoencoder", "check_down_up", "check_encoder_decoder", "check_psnr",
    "check_lab_to_rgb", "check_linear_to_srgb", "check_rgb_to_xyz", "check_srgb_to_linear",
    "check_xyz_to_lab",
    "check_colorize", "check_gray_baseline", "check_train_step", "check_unet_forward",
    "check_ab_auc", "check_annealed_mean", "check_rebalanced_soft_ce", "check_rebalancing_weights",
    "check_channels_to_keep", "check_fake_quantize",
    "check_conditioned_bottleneck", "check_discriminator_loss", "check_feature_distance",
    "check_generator_loss",
]
