"""quantscope: instrument a PyTorch training job for the QuantScope dashboard.

    import quantscope as qs
    run = qs.init(url="http://dashboard:5080", name="llama-fp8", config=vars(args))   # token from QUANTSCOPE_TOKEN
    probe = qs.watch(model, recipe=qs.Delayed(format="e4m3", history=64), what_if=("hif8", "mxfp8-e4m3"))
    for step, batch in enumerate(loader):
        loss = model(**batch).loss; loss.backward(); opt.step(); opt.zero_grad()
        run.log(step, loss=loss, lr=sched.get_last_lr()[0])
    run.finish()

The sender (`quantscope.client`, also importable as `quantscope_client`) needs only the standard library; everything
else needs torch and is imported on first use, so `import quantscope` stays cheap and works without torch.
"""

from .client import QuantScopeClient, QuantScopeError, TEDebugLogger, parse_te_stat

__version__ = "0.2.0"
__all__ = ["init", "watch", "current_run", "Delayed", "Current", "Block", "LiveRun", "Probe", "QuantScopeClient",
           "QuantScopeError", "TEDebugLogger", "parse_te_stat", "formats"]

_current = None


def init(url=None, name=None, config=None, token=None, **kwargs):
    """Creates a live external run on the dashboard at `url` (default: $QUANTSCOPE_URL, else http://127.0.0.1:5080)
    and makes it the current run for `watch`. `config` (a dict) is kept in the run's notes. Never fails because the
    dashboard is away: the run is created in the background as soon as it answers. See LiveRun for the options."""
    global _current
    from .run import LiveRun
    _current = LiveRun(url=url, name=name, config=config, token=token, **kwargs)
    return _current


def current_run():
    """The run `init` made last, or None."""
    return _current


def watch(model, recipe=None, run=None, **kwargs):
    """Hooks every nn.Linear of `model`, and reads Transformer Engine layers' own FP8 metadata (see
    quantscope.probe.Probe for the options: every, roles, fc2, what_if, layers, exclude, top_channels, reduce, apply,
    te_types) and attaches the probe to `run` (default: the current run), whose `log`
    then sends the probe's statistics. Usable as a context manager (`with qs.watch(model): ...` removes the hooks)."""
    target = run if run is not None else _current
    if target is None:
        raise RuntimeError("watch needs a run: call quantscope.init(...) first, or pass run=")
    return target.watch(model, recipe=recipe, **kwargs)


_LAZY = {"Delayed": ".recipe", "Current": ".recipe", "Block": ".recipe", "LiveRun": ".run", "Probe": ".probe"}


def __getattr__(name):
    # torch-dependent parts load on first use (PEP 562).
    import importlib
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    if name in ("formats", "recipe", "probe", "run", "scaling", "kernels", "finish", "integrations", "bench", "te"):
        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module 'quantscope' has no attribute {name!r}")
