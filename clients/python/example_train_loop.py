"""A stand-in for a PyTorch training loop (no torch needed) that streams fake FP8 telemetry to QuantScope.

    python3 clients/python/example_train_loop.py --url http://127.0.0.1:5080 --steps 200

Logs per step: loss and lr (scalars); per layer: amax and overflowFraction of the input; and, through the
Transformer Engine debug-API logger, underflows% of each layer's gradient as TE would report it. Prints the run id.
"""

import argparse
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quantscope_client import QuantScopeClient, TEDebugLogger  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5080", help="the QuantScope server")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--name", default="python-example")
    args = parser.parse_args(argv)

    rng = random.Random(0)
    layers = [f"model.layers.{i}.mlp.down_proj" for i in range(args.layers)]
    # Announce the first half of the layers up front; the rest appear when first logged (the server appends them).
    run = QuantScopeClient(args.url).create_run(args.name, layers=layers[: args.layers // 2], flush_points=50, flush_seconds=0.2)
    te_logger = TEDebugLogger(run)
    with run:
        for step in range(args.steps):
            loss = 4.0 * math.exp(-step / 50) + 1.5 + 0.05 * rng.random()
            run.log(step, {"loss": loss, "lr": 3e-4})
            for i, layer in enumerate(layers):
                amax = 10.0 * (1 + i) * (1 + 0.1 * rng.random())
                run.log(step, {"amax": amax, "overflowFraction": 0.001 * i * rng.random()}, layer=layer, role="input")
                # What TE's LogTensorStats feature would hand its loggers, percent and all.
                te_logger.log_scalar(f"{layer}_gradient_underflows%", 2.0 * rng.random(), step)
    print(f"run_id={run.id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
