"""colorlab.deploy and the export command: ONNX parity with PyTorch, int8 quantization, the
ONNX runtime wrapper's bad inputs, atomic writes, pruning; `colorize --model model.onnx`.

ONNX export takes several seconds even for a tiny model (torch.export traces it), so the files
are made once per module."""

import numpy as np
import pytest
import torch
from PIL import Image

from colorlab import deploy
from colorlab.checkpoint import save_checkpoint
from colorlab.colorizer import Colorizer, lab_tensors
from colorlab.course.cli import main
from colorlab.data import Batches, sample
from colorlab.infer import colorize, load_colorizer
from colorlab.models import MeanRegressor, UNet, count_parameters
from colorlab.train import fit

pytestmark = pytest.mark.skipif(not deploy.onnx_available(), reason=deploy.ONNX_MISSING)


@pytest.fixture(scope="module")
def files(checkpoint, tmp_path_factory):
    """fp32 and int8 ONNX files of the tiny colorizer, made with the export command."""
    folder = tmp_path_factory.mktemp("onnx")
    fp32, int8 = folder / "model.onnx", folder / "int8.onnx"
    assert main(["export", "--checkpoint", str(checkpoint), "--format", "onnx",
                 "-o", str(fp32)]) == 0
    assert main(["export", "--checkpoint", str(checkpoint), "--quantize", "int8",
                 "--calibration-images", "64", "-o", str(int8)]) == 0
    return fp32, int8


def test_onnx_matches_pytorch(checkpoint, files):
    model = load_colorizer(checkpoint)
    onnx_model = deploy.OnnxColorizer(files[0], threads=1)
    assert (onnx_model.multiple, onnx_model.train_size) == (4, 16)  # from the file's metadata
    assert onnx_model.work_size == model.work_size
    for shape in [(1, 1, 16, 16), (3, 1, 24, 40)]:  # any batch, any multiple of 4
        L = torch.rand(shape, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            want = model(L)
        got = onnx_model(L)
        assert torch.is_tensor(got) and got.shape == want.shape
        assert (got - want).abs().max() <= 1e-4
        assert np.abs(onnx_model(L.numpy()) - want.numpy()).max() <= 1e-4  # numpy in, numpy out


def test_int8_is_smaller_and_close(checkpoint, files):
    fp32, int8 = files
    assert deploy.file_mb(int8) < deploy.file_mb(fp32)
    L, _ = lab_tensors(sample("test", 16).take(32))
    with torch.no_grad():
        want = load_colorizer(checkpoint)(L)
    got = deploy.OnnxColorizer(int8)(L)
    error = (got - want).abs()
    assert 0 < error.max() < 0.1  # int8 changes the output, a little
    assert error.mean() < 0.01


def test_int8_weights_are_7_bit_by_default_and_8_bit_on_request(files, tmp_path):
    """quantize_int8's default keeps every int8 weight in -64..64 (onnxruntime's reduce_range,
    safe on CPUs without VNNI); reduce_range=False uses the full -127..127."""
    import onnx
    from onnx import numpy_helper

    def largest_weight(path):
        return max(int(np.abs(numpy_helper.to_array(t).astype(int)).max())
                   for t in onnx.load(str(path)).graph.initializer
                   if t.data_type == onnx.TensorProto.INT8)

    fp32, exported = files                      # the export command's int8 file: the default
    L = torch.rand(8, 1, 16, 16)
    full = deploy.quantize_int8(fp32, tmp_path / "int8-full.onnx", L, reduce_range=False)
    seven = deploy.quantize_int8(fp32, tmp_path / "int8-7bit.onnx", L)
    assert largest_weight(seven) <= 64 and largest_weight(exported) <= 64
    assert largest_weight(full) > 64            # per-channel scales put each channel's max at 127


def test_dynamic_int8_runs_quietly_and_stays_close(files, tmp_path, capfd):
    fp32, _ = files
    L = torch.rand(2, 1, 16, 16)
    want = deploy.OnnxColorizer(fp32)(L)
    path = deploy.quantize_dynamic_int8(fp32, tmp_path / "dyn.onnx")
    got = deploy.OnnxColorizer(path)(L)
    assert got.shape == want.shape and (got - want).abs().max() < 0.1
    captured = capfd.readouterr()
    assert "pre-processing" not in captured.err + captured.out  # onnxruntime's warning is gone


def test_op_counts_and_time_shares_say_what_a_quantizer_did(files, tmp_path):
    fp32, _ = files
    dynamic = deploy.quantize_dynamic_int8(fp32, tmp_path / "dyn.onnx")
    plain, quantized = deploy.op_counts(fp32), deploy.op_counts(dynamic)
    assert plain["Conv"] > 0 and "ConvInteger" not in plain
    # dynamic int8: each Conv became a ConvInteger fed by DynamicQuantizeLinear; ConvTranspose stays
    assert quantized["ConvInteger"] == plain["Conv"] and "Conv" not in quantized
    assert quantized["DynamicQuantizeLinear"] > 0 and quantized.get("ConvTranspose") == plain.get(
        "ConvTranspose")
    shares = deploy.op_time_shares(dynamic, torch.rand(1, 1, 16, 16), threads=1, runs=2)
    assert abs(sum(shares.values()) - 1) < 1e-6 and "ConvInteger" in shares
    assert list(shares.values()) == sorted(shares.values(), reverse=True)
    assert set(shares) <= set(quantized) | {"ReorderInput", "ReorderOutput"}  # onnxruntime's own


def test_colorize_with_an_onnx_model(files, tmp_path, capsys):
    photo = tmp_path / "photo.png"
    rgb = np.random.default_rng(0).integers(0, 256, (37, 51, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(photo)
    out = colorize(deploy.OnnxColorizer(files[0]), photo)
    assert out.shape == (37, 51, 3) and out.dtype == np.uint8
    assert main(["colorize", str(photo), "--model", str(files[1]), "-o", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "photo_colorized.png").is_file()
    assert main(["colorize", str(photo), "--model", str(files[1]), "--checkpoint", "x.pt",
                 "-o", str(tmp_path / "c")]) == 2
    assert "either --checkpoint" in capsys.readouterr().err


def test_onnx_colorizer_bad_inputs(files, tmp_path):
    model = deploy.OnnxColorizer(files[0])
    with pytest.raises(ValueError, match=r"shape \(N, 1, H, W\) with H and W multiples of 4"):
        model(torch.rand(1, 1, 15, 16))
    with pytest.raises(ValueError, match=r"got \(1, 3, 16, 16\)"):
        model(torch.rand(1, 3, 16, 16))
    with pytest.raises(TypeError, match="float32"):
        model(torch.rand(1, 1, 16, 16, dtype=torch.float64))
    with pytest.raises(TypeError, match="got a list"):
        model([[0.5]])
    with pytest.raises(FileNotFoundError, match="No ONNX model at"):
        deploy.OnnxColorizer(tmp_path / "missing.onnx")
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(files[0].read_bytes()[:500])  # a truncated download
    with pytest.raises(ValueError, match="not a model onnxruntime can load"):
        deploy.OnnxColorizer(corrupt)
    assert main(["colorize", str(corrupt), "--model", str(corrupt)]) == 2


def test_export_refuses_another_architecture_and_leaves_no_file(tmp_path, capsys):
    model = MeanRegressor(width=4)
    ckpt = save_checkpoint(tmp_path / "mean.pt", model, config={"model": model.config})
    out = tmp_path / "model.onnx"
    assert main(["export", "--checkpoint", str(ckpt), "-o", str(out)]) == 2
    assert "holds a MeanRegressor(width=4), not a colorizer" in capsys.readouterr().err
    assert main(["export", "--checkpoint", str(tmp_path / "missing.pt"), "-o", str(out)]) == 2
    assert not out.exists() and list(tmp_path.glob("*.onnx")) == []


def test_writes_are_atomic(tmp_path, monkeypatch):
    """A failing export leaves neither the file nor a temporary one; an old file survives."""
    out = tmp_path / "model.onnx"
    out.write_bytes(b"the previous model")

    def broken(*args, **kwargs):
        args[2].write_bytes(b"half a model")
        raise RuntimeError("export failed half-way")

    monkeypatch.setattr(torch.onnx, "export", broken)
    with pytest.raises(RuntimeError, match="half-way"):
        deploy.export_onnx(UNet(1, 2, base=4, depth=2), out)
    assert out.read_bytes() == b"the previous model"
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]


def test_bad_calibration_data(checkpoint, tmp_path, capsys):
    out = tmp_path / "int8.onnx"
    assert main(["export", "--checkpoint", str(checkpoint), "--quantize", "int8",
                 "--calibration", str(tmp_path / "no-such-folder"), "-o", str(out)]) == 1
    assert "calibration images from" in capsys.readouterr().err and not out.exists()


# ---------------------------------------------------------------------------------------------
# pruning
# ---------------------------------------------------------------------------------------------
def test_prune_unstructured_zeros_the_smallest_weights():
    torch.manual_seed(0)
    model = UNet(1, 2, base=4, depth=2)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    pruned = deploy.prune_unstructured(model, 0.6)
    assert abs(deploy.sparsity(pruned) - 0.6) < 0.01 and deploy.sparsity(model) == 0
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())  # a copy
    kept = torch.cat([m.weight.flatten() for m, _ in deploy.conv_weights(pruned)])
    dropped = torch.cat([o.weight.flatten() for (o, _), (p, _) in zip(
        deploy.conv_weights(model), deploy.conv_weights(pruned))]) * (kept == 0)
    assert dropped.abs().max() <= kept[kept != 0].abs().min()  # the smallest |w| went
    assert count_parameters(pruned) == count_parameters(model)  # dense: nothing shrinks


def test_channels_to_keep_picks_the_largest_l1_norms():
    weight = torch.zeros(6, 2, 3, 3)
    for c, norm in enumerate([5.0, 1.0, 4.0, 0.5, 3.0, 2.0]):
        weight[c, 0, 0, 0] = norm if c % 2 else -norm  # the sign must not matter
    assert deploy.channels_to_keep(weight, 0.5).tolist() == [0, 2, 4]
    assert deploy.channels_to_keep(weight, 0.0).tolist() == list(range(6))
    assert deploy.channels_to_keep(weight, 1.0).tolist() == [0]  # at least one stays


def test_prune_channels_shrinks_the_unet_and_keeps_its_interface():
    torch.manual_seed(0)
    model = UNet(1, 2, base=8, depth=2).eval()
    L = torch.rand(2, 1, 16, 24)
    same = deploy.prune_channels(model, 0.0).eval()
    with torch.no_grad():
        assert torch.allclose(same(L), model(L), atol=1e-6)  # nothing pruned: same function
    slim = deploy.prune_channels(model, 0.5).eval()
    assert count_parameters(slim) < 0.6 * count_parameters(model)
    assert slim.encoders[0][0].out_channels == 4 and slim.encoders[0][3].out_channels == 8
    with torch.no_grad():
        assert slim(L).shape == (2, 2, 16, 24)
    with pytest.raises(TypeError, match="UNet"):
        deploy.prune_channels(MeanRegressor(), 0.5)


def test_prune_channels_ranks_by_batchnorm_gamma_or_by_filter_l1():
    model = UNet(1, 2, base=4, depth=2).eval()
    conv, bn = model.encoders[0][0], model.encoders[0][1]   # 4 middle channels
    with torch.no_grad():
        norms = torch.tensor([4.0, 3.0, 2.0, 1.0])[:, None, None, None]
        conv.weight.copy_(norms.expand_as(conv.weight))
        bn.weight.copy_(torch.tensor([0.1, -0.2, 3.0, -4.0]))  # the sign must not matter
    kept = {by: deploy.prune_channels(model, 0.5, by=by).encoders[0][1].weight.tolist()
            for by in ("gamma", "l1")}
    assert kept["gamma"] == pytest.approx([3.0, -4.0])         # the largest |gamma|
    assert kept["l1"] == pytest.approx([0.1, -0.2])            # the largest filter L1 norms
    default = deploy.prune_channels(model, 0.5).encoders[0][1].weight.tolist()
    assert default == kept["gamma"]
    with pytest.raises(ValueError, match="gamma"):
        deploy.prune_channels(model, 0.5, by="l2")


def test_median_seconds_counts_runs_and_takes_the_median(monkeypatch):
    calls, clock = [], iter([0, 5, 10, 11, 20, 23, 30, 39, 40, 42])  # runs of 5, 1, 3, 9, 2 s
    monkeypatch.setattr(deploy.time, "perf_counter", lambda: next(clock))
    assert deploy.median_seconds(lambda: calls.append(1), runs=5, warmup=2) == 3
    assert len(calls) == 7


def test_prune_unstructured_takes_a_channels_last_model():
    """fit leaves a model channels_last on CPUs that prefer it; prune flattens weights with view."""
    model = UNet(1, 2, base=4, depth=2).to(memory_format=torch.channels_last)
    assert abs(deploy.sparsity(deploy.prune_unstructured(model, 0.5)) - 0.5) < 0.01


def test_prune_channels_keeps_the_train_or_eval_mode():
    torch.manual_seed(0)
    model = UNet(base=8, depth=3).eval()
    slim = deploy.prune_channels(model, 0.5)
    assert not any(m.training for m in slim.modules())  # new blocks were in train mode
    before = {k: v.clone() for k, v in slim.state_dict().items()}
    L = torch.rand(4, 1, 16, 16)
    with torch.no_grad():  # eval: a photo's colors do not depend on the rest of its batch
        assert torch.allclose(slim(L)[:1], slim(L[:1]), atol=1e-6)
    assert all(torch.equal(before[k], v) for k, v in slim.state_dict().items())  # BN stats kept
    assert all(m.training for m in deploy.prune_channels(model.train(), 0.5).modules())


def test_a_pruned_model_saved_by_fit_loads_back_with_load_colorizer(tmp_path):
    torch.manual_seed(0)
    slim = deploy.prune_channels(UNet(1, 2, base=8, depth=2), 0.5)
    L = torch.rand(4, 1, 16, 16)
    fit(slim, Batches(L, torch.zeros(4, 2, 16, 16), batch_size=4, seed=0),
        loss_fn=lambda pred, ab: (pred - ab).abs().mean(), epochs=1, checkpoint_dir=tmp_path,
        progress=False, amp=False)
    loaded = load_colorizer(tmp_path / "last.pt")
    assert loaded.encoders[0][0].out_channels == 4 and loaded.bottleneck[0].out_channels == 16
    with torch.no_grad():
        assert torch.allclose(loaded(L), slim.eval()(L), atol=1e-6)


def test_pruning_a_colorizer_prunes_its_net():
    """load_colorizer gives a Colorizer; pruning works on its net, whose names are the
    checkpoint's (notebook 06 compares the two)."""
    net = UNet(1, 2, base=4, depth=2)
    colorizer = Colorizer(net, train_size=16)
    pruned = deploy.prune_unstructured(colorizer, 0.5)
    assert set(dict(pruned.named_parameters())) == set(dict(net.named_parameters()))
    assert isinstance(deploy.prune_channels(colorizer, 0.5), UNet)


def test_sleeping_threads_change_nothing_but_the_waiting(files):
    """spinning=False sets onnxruntime's allow_spinning to 0 and computes the same ab; the
    colorize command uses it (benchmarks/onnx_spinning.py: whole photos 2x faster on 2 cores)."""
    from colorlab.course.cli import _load_model

    L = torch.rand(2, 1, 16, 16, generator=torch.Generator().manual_seed(1))
    spinning = deploy.OnnxColorizer(files[0], threads=1)
    sleeping = deploy.OnnxColorizer(files[0], threads=1, spinning=False)

    def allowed(model):
        return model.session.get_session_options().get_session_config_entry(
            "session.intra_op.allow_spinning")

    assert allowed(sleeping) == "0" and (spinning.spinning, sleeping.spinning) == (True, False)
    assert torch.equal(spinning(L), sleeping(L))
    assert _load_model(None, files[1]).spinning is False
