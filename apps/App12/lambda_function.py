"""Linear regression restored from a saved checkpoint at init (modeled on a TensorFlow function)."""
import os

import torch

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
CHECKPOINT = torch.load(os.path.join(HERE, "model", "linear.pt"))
MODEL = torch.nn.Linear(1, 1)
MODEL.load_state_dict(CHECKPOINT["state_dict"])
MODEL.eval()


def _r(v):
    return [round(float(t), 6) for t in v]


def lambda_handler(event, context):
    xs = event["x"] if isinstance(event["x"], list) else [event["x"]]
    x = torch.tensor(xs, dtype=torch.float32).unsqueeze(1)
    with torch.no_grad():
        y = MODEL(x).squeeze(1)
    body = {
        "x": _r(xs),
        "y": _r(y),
        "weight": round(MODEL.weight.item(), 6),
        "bias": round(MODEL.bias.item(), 6),
        "torch": torch.__version__,
    }
    level = event.get("interval")
    if level:
        # Rare path: a prediction interval from the residual spread.
        from statistics import NormalDist

        z = NormalDist().inv_cdf(0.5 + float(level) / 2)
        half = z * CHECKPOINT["residual_std"]
        body["interval"] = {"level": float(level), "lower": _r(y - half), "upper": _r(y + half)}
    return body
