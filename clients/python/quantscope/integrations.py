"""Hugging Face Trainer and PyTorch Lightning callbacks. Each library is imported only when its callback is asked for;
neither is required by the package.

    trainer = Trainer(model=model, args=args, ..., callbacks=[qs.integrations.hf_callback(name="llama-fp8")])
    trainer = L.Trainer(callbacks=[qs.integrations.lightning_callback(name="llama-fp8")])

Both create the run at the start of training (rank 0), watch the model, log loss and learning rate at each optimizer
step, and finish the run at the end ("failed" when training raised, where the library says so). Steps are 0-based
optimizer steps (the libraries' `global_step` counts finished steps: step = global_step - 1), so a job's steps line up
with a plain loop's `run.log(step)`.

The callbacks' logic lives in `HFEvents` and `LightningEvents`, plain classes that need neither library: the callback
classes mix them into the library's own base class (the libraries call the hooks by name)."""

__all__ = ["hf_callback", "lightning_callback", "HFEvents", "LightningEvents"]


def _start(model, init_kwargs, watch_kwargs, config):
    from . import init
    run = init(config=config, **init_kwargs)
    run.watch(model, **watch_kwargs)
    return run


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class HFEvents:
    """The Hugging Face callback's hooks (transformers' Trainer calls them by name, in this order per optimizer step:
    `on_step_end` after the optimizer step and `global_step += 1`, then `on_log` every `logging_steps`).

    `run` is the LiveRun once training began (kept after the end, finished)."""

    def __init__(self, watch=None, init_kwargs=None):
        self.watch_kwargs = dict(watch or {})
        self.init_kwargs = dict(init_kwargs or {})
        self.run = None
        self._open = False

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        """Rank 0 creates the run (the TrainingArguments go into its notes) and watches the model."""
        if state.is_world_process_zero and not self._open and model is not None:
            config = args.to_dict() if hasattr(args, "to_dict") else None
            self.run = _start(model, self.init_kwargs, self.watch_kwargs, config)
            self._open = True

    def on_log(self, args, state, control, logs=None, **kwargs):
        """The Trainer's loss (averaged since the last log), learning rate and gradient norm, at the step just ended."""
        metrics = {}
        for key, name in (("loss", "loss"), ("learning_rate", "lr"), ("grad_norm", "grad_norm")):
            value = _float((logs or {}).get(key))
            if value is not None:
                metrics[name] = value
        if self._open and metrics:
            self.run.log_scalars(max(0, state.global_step - 1), **metrics)

    def on_step_end(self, args, state, control, **kwargs):
        """Ends the probe's step (its statistics are copied once per logged window)."""
        if self._open:
            self.run.log(max(0, state.global_step - 1))

    def on_train_end(self, args, state, control, **kwargs):
        """Sends what is left and ends the run."""
        if self._open:
            self._open = False
            self.run.finish()


class LightningEvents:
    """The Lightning callback's hooks. Lightning calls `on_train_batch_end` after every batch; with gradient
    accumulation only a batch that stepped the optimizer (`global_step` moved) ends a step here.

    `run` is the LiveRun once training began (kept after the end, finished)."""

    def __init__(self, watch=None, init_kwargs=None):
        self.watch_kwargs = dict(watch or {})
        self.init_kwargs = dict(init_kwargs or {})
        self.run = None
        self._open = False
        self._logged = 0  # global_step at the last logged step

    def on_train_start(self, trainer, pl_module):
        """Rank 0 creates the run (the module's hparams go into its notes) and watches the module."""
        if trainer.is_global_zero and not self._open:
            config = dict(getattr(pl_module, "hparams", {}) or {})
            self.run = _start(pl_module, self.init_kwargs, self.watch_kwargs, config)
            self._open = True
            self._logged = trainer.global_step

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, *args):
        """Logs the batch's loss and the first optimizer's learning rate at the optimizer step just taken."""
        if not self._open or trainer.global_step == self._logged:
            return  # an accumulation batch: the optimizer did not step
        self._logged = trainer.global_step
        loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
        metrics = {"loss": loss} if loss is not None else {}
        if trainer.optimizers:
            metrics["lr"] = trainer.optimizers[0].param_groups[0]["lr"]
        self.run.log(trainer.global_step - 1, **metrics)

    def on_train_end(self, trainer, pl_module):
        """Sends what is left and ends the run."""
        if self._open:
            self._open = False
            self.run.finish()

    def on_exception(self, trainer, pl_module, exception):
        """Ends the run as failed, with the exception as its error."""
        if self._open:
            self._open = False
            self.run.finish("failed", repr(exception))


def hf_callback(watch=None, **init_kwargs):
    """A transformers.TrainerCallback; `watch` = keyword arguments of quantscope.watch, the rest go to quantscope.init."""
    from transformers import TrainerCallback  # lazy: only users of the HF Trainer need it

    class QuantScopeCallback(HFEvents, TrainerCallback):
        """HFEvents as a TrainerCallback (its other hooks are the base class's no-ops)."""

    return QuantScopeCallback(watch, init_kwargs)


def lightning_callback(watch=None, **init_kwargs):
    """A Lightning Callback (lightning or pytorch_lightning, whichever is installed)."""
    try:
        from lightning.pytorch import Callback
    except ImportError:
        from pytorch_lightning import Callback

    class QuantScopeCallback(LightningEvents, Callback):
        """LightningEvents as a Lightning Callback."""

    return QuantScopeCallback(watch, init_kwargs)
