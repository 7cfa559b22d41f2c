"""The callbacks inside the real Trainers: a tiny Llama trained a few steps by transformers' Trainer and a tiny module
by Lightning's Trainer, each with quantscope's callback, against the live test server.

Skipped where the libraries are missing. .ci/run tries to install transformers (+ accelerate) and lightning into a
virtual environment over Debian's torch and runs this file there; this CI machine cannot reach the Python package
index, so here they are skipped (test_integrations.py covers the callbacks' logic without the libraries)."""

import urllib.parse

import pytest
import torch
from torch.nn import functional as F

import quantscope as qs

STEPS = 6


def _series(server, run_id, metric, layer=None, role=None):
    params = {"metric": metric, **({"layer": layer, "role": role} if layer else {})}
    return {int(p["step"]): p["value"] for p in server.get(f"/api/runs/{run_id}/series?{urllib.parse.urlencode(params)}")}


def _sequences(count, length, vocab, seed):
    g = torch.Generator().manual_seed(seed)
    start = torch.randint(0, vocab, (count, 1), generator=g)
    return (start + torch.arange(length)) % vocab


def test_hfTrainer_tinyLlama_runLossAndLayerMetricsArrive(server, tmp_path):
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("accelerate")
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                      num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64)
    model = transformers.LlamaForCausalLM(config)
    rows = _sequences(STEPS * 2, 16, 64, seed=0)
    dataset = [{"input_ids": r, "labels": r.clone(), "attention_mask": torch.ones_like(r)} for r in rows]
    args = transformers.TrainingArguments(output_dir=str(tmp_path), max_steps=STEPS, per_device_train_batch_size=2,
                                          learning_rate=1e-3, logging_steps=1, save_strategy="no", report_to=[],
                                          disable_tqdm=True, no_cuda=True, seed=0)
    callback = qs.integrations.hf_callback(url=server.url, name="pytest-hf-trainer", watch={"every": 2})
    transformers.Trainer(model=model, args=args, train_dataset=dataset, callbacks=[callback]).train()
    run = server.wait_status(callback.run.id, "completed", "failed")
    assert (run["status"], run["lastStep"]) == ("completed", STEPS - 1)
    assert '"logging_steps": 1' in run["notes"]
    assert sorted(_series(server, run["id"], "loss")) == list(range(STEPS))
    heat = server.get(f"/api/runs/{run['id']}/heatmap?metric=amax&role=input")
    assert "model.layers.1.mlp.down_proj" in heat["layers"] and "lm_head" not in heat["layers"]
    assert heat["steps"] == [float(s) for s in range(STEPS)]
    overflow = _series(server, run["id"], "overflowFraction", "model.layers.0.mlp.down_proj", "input")
    assert sorted(overflow) == list(range(0, STEPS, 2))


def _lightning():
    try:
        import lightning.pytorch as pl
        return pl
    except ImportError:
        return pytest.importorskip("pytorch_lightning")


def test_lightningTrainer_tinyModule_runLossAndLayerMetricsArrive(server):
    pl = _lightning()

    class Tiny(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.save_hyperparameters({"lr": 0.01, "width": 16})
            self.net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))

        def training_step(self, batch, batch_idx):
            x, y = batch
            return F.mse_loss(self.net(x), y)

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.01)

    torch.manual_seed(0)
    x = torch.randn(STEPS * 8, 8)
    data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True)), batch_size=4)
    callback = qs.integrations.lightning_callback(url=server.url, name="pytest-lightning-trainer")
    trainer = pl.Trainer(max_steps=STEPS, accumulate_grad_batches=2, accelerator="cpu", devices=1, logger=False,
                         enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                         callbacks=[callback])
    trainer.fit(Tiny(), data)
    run = server.wait_status(callback.run.id, "completed", "failed")
    assert (run["status"], run["lastStep"]) == ("completed", STEPS - 1)
    assert '"width": 16' in run["notes"]
    assert sorted(_series(server, run["id"], "loss")) == list(range(STEPS))
    assert sorted(_series(server, run["id"], "lr")) == list(range(STEPS))
    heat = server.get(f"/api/runs/{run['id']}/heatmap?metric=amax&role=grad")
    assert heat["layers"] == ["net.0", "net.2"] and heat["steps"] == [float(s) for s in range(STEPS)]
