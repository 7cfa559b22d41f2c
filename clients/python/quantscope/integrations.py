"""Hugging Face Trainer and PyTorch Lightning callbacks. Each library is imported only when its callback is asked for;
neither is required by the package.

    trainer = Trainer(model=model, args=args, ..., callbacks=[qs.integrations.hf_callback(name="llama-fp8")])
    trainer = L.Trainer(callbacks=[qs.integrations.lightning_callback(name="llama-fp8")])

Both create the run at the start of training (rank 0), watch the model, log loss and learning rate at each optimizer
step, and finish the run at the end ("failed" when training raised, where the library says so)."""

__all__ = ["hf_callback", "lightning_callback"]


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


def hf_callback(watch=None, **init_kwargs):
    """A transformers.TrainerCallback; `watch` = keyword arguments of quantscope.watch, the rest go to quantscope.init."""
    from transformers import TrainerCallback  # lazy: only users of the HF Trainer need it

    class QuantScopeCallback(TrainerCallback):
        def __init__(self):
            self.run = None

        def on_train_begin(self, args, state, control, model=None, **kwargs):
            if state.is_world_process_zero and self.run is None and model is not None:
                config = args.to_dict() if hasattr(args, "to_dict") else None
                self.run = _start(model, init_kwargs, dict(watch or {}), config)

        def on_log(self, args, state, control, logs=None, **kwargs):
            # The Trainer reports loss and learning rate through logs (every logging_steps), after the step ended.
            metrics = {}
            for key, name in (("loss", "loss"), ("learning_rate", "lr"), ("grad_norm", "grad_norm")):
                value = _float((logs or {}).get(key))
                if value is not None:
                    metrics[name] = value
            if self.run is not None and metrics:
                self.run.log_scalars(max(0, state.global_step - 1), **metrics)

        def on_step_end(self, args, state, control, **kwargs):
            if self.run is not None:
                self.run.log(max(0, state.global_step - 1))  # ends the probe's step

        def on_train_end(self, args, state, control, **kwargs):
            if self.run is not None:
                self.run.finish()
                self.run = None

    return QuantScopeCallback()


def lightning_callback(watch=None, **init_kwargs):
    """A Lightning Callback (lightning or pytorch_lightning, whichever is installed)."""
    try:
        from lightning.pytorch import Callback
    except ImportError:
        from pytorch_lightning import Callback

    class QuantScopeCallback(Callback):
        def __init__(self):
            self.run = None

        def on_train_start(self, trainer, pl_module):
            if trainer.is_global_zero and self.run is None:
                self.run = _start(pl_module, init_kwargs, dict(watch or {}), dict(getattr(pl_module, "hparams", {}) or {}))

        def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
            if self.run is None:
                return
            loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
            metrics = {"loss": loss} if loss is not None else {}
            if trainer.optimizers:
                metrics["lr"] = trainer.optimizers[0].param_groups[0]["lr"]
            self.run.log(trainer.global_step, **metrics)

        def on_train_end(self, trainer, pl_module):
            if self.run is not None:
                self.run.finish()
                self.run = None

        def on_exception(self, trainer, pl_module, exception):
            if self.run is not None:
                self.run.finish("failed", repr(exception))
                self.run = None

    return QuantScopeCallback()
