"""The check of exercise 04's training step (colorlab.grading.checks.nb04.check_train_step): the
reference and the equivalent orders pass, and each common mistake gets the hint that names its
fix. A check takes about 0.1 s: three SGD steps of a tiny model."""

import re

import pytest
import torch

from colorlab.grading.checks import CheckFailed, check_train_step
from colorlab.train import train_step as library_step


def right(model, optimizer, L, ab, loss_fn):
    model.train()
    optimizer.zero_grad()
    loss = loss_fn(model(L), ab, L)
    loss.backward()
    optimizer.step()
    return loss.item()


def zero_grad_last(model, optimizer, L, ab, loss_fn):  # as colorlab.train.train_step does
    model.train()
    loss = library_step(model, (L, ab, L), loss_fn, optimizer)
    return float(loss)


def back_to_eval(model, optimizer, L, ab, loss_fn):  # leaves the model as it found it
    loss = right(model, optimizer, L, ab, loss_fn)
    model.eval()
    return loss


def step(*, train="first", zero=True, order="backward, step", detach=None, item_first=False,
         swap=False, with_L=True, returns="item"):
    """A training step with one mistake, named by the keyword that differs from the default."""
    def train_step(model, optimizer, L, ab, loss_fn):
        if train == "first":
            model.train()
        elif train == "eval":
            model.eval()
        if zero:
            optimizer.zero_grad()
        if detach == "no_grad":
            with torch.no_grad():
                pred = model(L)
        else:
            pred = model(L)
        args = (ab, pred) if swap else (pred, ab)
        loss = loss_fn(*args, L) if with_L else loss_fn(*args)
        if detach == "loss":
            loss = loss.detach()
        if train == "late":
            model.train()
        if item_first:
            loss = loss.item()
        if order == "backward, step":
            loss.backward()
            optimizer.step()
        elif order == "step, backward":
            optimizer.step()
            loss.backward()
        elif order == "backward, zero_grad, step":
            loss.backward()
            optimizer.zero_grad()
            optimizer.step()
        return {"item": lambda: loss.item(), "tensor": lambda: loss,
                "detached": lambda: loss.detach()}[returns]()
    return train_step


def test_the_reference_and_equivalent_orders_pass(capsys):
    for fn in (right, zero_grad_last, back_to_eval):
        check_train_step(fn)
    assert capsys.readouterr().out.count("3 steps match the reference") == 3


@pytest.mark.parametrize("kwargs, hint", [
    ({"zero": False}, "the gradients add up over the calls"),
    ({"order": "step, backward"}, "the parameters did not change: call loss.backward() before "
                                  "optimizer.step()"),
    ({"order": "backward, zero_grad, step"}, "the parameters did not change"),
    ({"detach": "no_grad"}, "the loss has no gradient to follow back"),
    ({"detach": "loss"}, "the loss has no gradient to follow back"),
    ({"item_first": True}, "call backward on the loss tensor"),
    ({"returns": "tensor"}, "returned a tensor for call 1 of 3 (a batch of 4 images of 8 x 8): "
                            "return loss.item(), a plain float; a loss tensor keeps the whole "
                            "graph"),
    ({"returns": "detached"}, "returned a tensor for call 1 of 3 (a batch of 4 images of 8 x 8): "
                              "return loss.item(), a plain float; a tensor, even detached"),
    ({"train": None}, "the model is still in eval mode: call model.train() first"),
    ({"train": "eval"}, "the model is still in eval mode"),
    ({"train": "late"}, "the forward pass ran in eval mode: call model.train() before model(L)"),
    ({"swap": True}, "loss_fn(ab, model(L), L) has its first two arguments swapped"),
    ({"with_L": False}, "call loss_fn(model(L), ab, L)"),
])
def test_each_mistake_gets_its_hint(kwargs, hint):
    with pytest.raises(CheckFailed, match="^train_step:? " + re.escape(hint)):
        check_train_step(step(**kwargs))


def test_a_step_that_returns_the_loss_after_the_update_is_told_which_loss():
    def after(model, optimizer, L, ab, loss_fn):
        right(model, optimizer, L, ab, loss_fn)
        model.eval()
        with torch.no_grad():
            return loss_fn(model(L), ab, L).item()

    with pytest.raises(CheckFailed, match=r"the loss of that batch \(before the step\)"):
        check_train_step(after)


def test_the_check_leaves_the_learners_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_train_step(right)
    assert torch.equal(torch.rand(3), expected)
