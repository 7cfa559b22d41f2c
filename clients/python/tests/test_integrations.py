"""The Hugging Face and Lightning callbacks' logic (quantscope.integrations.HFEvents / LightningEvents) on a real
training job against the live test server, without the libraries.

transformers and lightning cannot be installed on this CI machine (Debian ships neither, and the Python package index
is out of reach), so these tests call the hooks the way the libraries do, in their order (transformers' Trainer
`_inner_training_loop`: on_train_begin, then per optimizer step `global_step += 1`, on_step_end, on_log every
`logging_steps`, finally on_train_end; Lightning's fit loop: on_train_start, on_train_batch_end after every batch with
`global_step` counting optimizer steps, on_train_end or on_exception), with small records holding the fields the
hooks read. test_integrations_real.py runs the real Trainers where the libraries are installed (.ci/run tries)."""

import json
import urllib.parse
from dataclasses import asdict, dataclass

import torch
from torch.nn import functional as F

from quantscope.integrations import HFEvents, LightningEvents
from tiny_llama import TinyLlama, batches

VOCAB = 32


@dataclass
class _TrainingArguments:
    """The fields of transformers.TrainingArguments the callback reads (`to_dict` goes into the run's notes)."""
    learning_rate: float = 2e-3
    logging_steps: int = 2

    def to_dict(self):
        return asdict(self)


@dataclass
class _TrainerState:
    """transformers.TrainerState's fields the callback reads."""
    global_step: int = 0
    is_world_process_zero: bool = True


@dataclass
class _LightningTrainer:
    """lightning.Trainer's attributes the callback reads."""
    optimizers: list
    global_step: int = 0
    is_global_zero: bool = True


def _series(server, run_id, metric, layer=None, role=None):
    params = {"metric": metric, **({"layer": layer, "role": role} if layer else {})}
    return {int(p["step"]): p["value"] for p in server.get(f"/api/runs/{run_id}/series?{urllib.parse.urlencode(params)}")}


def _loss(model, seq):
    return F.cross_entropy(model(seq[:, :-1]).reshape(-1, VOCAB), seq[:, 1:].reshape(-1))


def test_hfEvents_trainerCallOrder_runWithLossLrAndLayerMetrics(server):
    torch.manual_seed(0)
    model = TinyLlama(vocab=VOCAB, dim=32, layers=1, heads=2, hidden=64)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    args, state = _TrainingArguments(), _TrainerState()
    callback = HFEvents(watch={"every": 2}, init_kwargs={"url": server.url, "name": "pytest-hf-events"})
    callback.on_train_begin(args, state, None, model=model)
    data, logged, since = batches(VOCAB, 4, 16, seed=1), {}, []
    for _ in range(8):
        loss = _loss(model, next(data))
        loss.backward()
        opt.step()
        opt.zero_grad()
        since.append(loss.item())
        state.global_step += 1
        callback.on_step_end(args, state, None)
        if state.global_step % args.logging_steps == 0:  # the Trainer logs the mean loss since the last log
            logs = {"loss": sum(since) / len(since), "learning_rate": 2e-3, "epoch": 0.5}
            logged[state.global_step - 1] = logs["loss"]
            since = []
            callback.on_log(args, state, None, logs=logs)
    callback.on_train_end(args, state, None)
    run = server.wait_status(callback.run.id, "completed", "failed")
    assert (run["status"], run["lastStep"]) == ("completed", 7)
    assert json.loads(run["notes"][len("config: "):]) == {"learning_rate": 2e-3, "logging_steps": 2}
    loss = _series(server, run["id"], "loss")
    assert sorted(loss) == [1, 3, 5, 7] and all(abs(loss[s] - logged[s]) < 1e-6 for s in logged)
    assert sorted(_series(server, run["id"], "lr")) == [1, 3, 5, 7]
    heat = server.get(f"/api/runs/{run['id']}/heatmap?metric=amax&role=grad")
    assert heat["steps"] == [float(s) for s in range(8)] and len(heat["layers"]) == 7
    overflow = _series(server, run["id"], "overflowFraction", "model.layers.0.mlp.down_proj", "input")
    assert sorted(overflow) == [0, 2, 4, 6]  # every=2: the full statistics on the first step of each window


def test_hfEvents_notWorldProcessZero_noRun(server):
    callback = HFEvents(init_kwargs={"url": server.url})
    callback.on_train_begin(_TrainingArguments(), _TrainerState(is_world_process_zero=False), None,
                            model=TinyLlama(vocab=VOCAB, dim=16, layers=1, heads=2, hidden=32))
    callback.on_step_end(None, _TrainerState(global_step=1), None)
    callback.on_train_end(None, _TrainerState(global_step=1), None)
    assert callback.run is None


def test_lightningEvents_accumulation_oneStepPerOptimizerStep(server):
    torch.manual_seed(0)
    model = TinyLlama(vocab=VOCAB, dim=32, layers=1, heads=2, hidden=64)
    model.hparams = {"lr": 1e-3, "accumulate": 2}
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    trainer = _LightningTrainer(optimizers=[opt])
    callback = LightningEvents(init_kwargs={"url": server.url, "name": "pytest-lightning-events"})
    callback.on_train_start(trainer, model)
    data, stepped = batches(VOCAB, 4, 16, seed=2), {}
    for batch_idx in range(10):
        loss = _loss(model, next(data))
        (loss / 2).backward()
        if batch_idx % 2 == 1:  # accumulate_grad_batches=2
            opt.step()
            opt.zero_grad()
            trainer.global_step += 1
            stepped[trainer.global_step - 1] = loss.item()
        callback.on_train_batch_end(trainer, model, {"loss": loss.detach()}, None, batch_idx)
    callback.on_train_end(trainer, model)
    run = server.wait_status(callback.run.id, "completed", "failed")
    assert (run["status"], run["lastStep"]) == ("completed", 4)
    assert '"accumulate": 2' in run["notes"]
    loss = _series(server, run["id"], "loss")
    assert sorted(loss) == [0, 1, 2, 3, 4]
    assert all(abs(loss[s] - stepped[s]) < 1e-6 for s in stepped)  # the loss of the batch that stepped
    assert sorted(_series(server, run["id"], "lr")) == [0, 1, 2, 3, 4]
    amax = _series(server, run["id"], "amax", "model.layers.0.self_attn.q_proj", "input")
    assert sorted(amax) == [0, 1, 2, 3, 4]


def test_lightningEvents_exception_runFailedWithTheError(server):
    model = TinyLlama(vocab=VOCAB, dim=16, layers=1, heads=2, hidden=32)
    trainer = _LightningTrainer(optimizers=[])
    callback = LightningEvents(init_kwargs={"url": server.url, "name": "pytest-lightning-failed"})
    callback.on_train_start(trainer, model)
    _loss(model, next(batches(VOCAB, 2, 8, seed=3))).backward()
    trainer.global_step = 1
    callback.on_train_batch_end(trainer, model, None, None, 0)
    callback.on_exception(trainer, model, RuntimeError("CUDA out of memory"))
    run = server.wait_status(callback.run.id, "failed", "completed")
    assert run["status"] == "failed" and "CUDA out of memory" in run["error"]
