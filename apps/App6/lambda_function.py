"""numpy + pandas: zeros/ones arrays and a Series of seeded random numbers."""
import numpy as np
import pandas as pd


def _r(x):
    return round(float(x), 6)


def lambda_handler(event, context):
    size = int(event.get("size", 8))
    seed = int(event.get("seed", 42))
    zeros = np.zeros(size)
    ones = np.ones((2, size))
    rng = np.random.default_rng(seed)
    s = pd.Series(rng.normal(loc=10.0, scale=2.0, size=size), index=[f"d{i}" for i in range(size)], name="values")
    result = {
        "zeros_sum": _r(zeros.sum()),
        "ones_shape": list(ones.shape),
        "ones_sum": _r(ones.sum()),
        "series": {k: _r(v) for k, v in s.items()},
        "mean": _r(s.mean()),
        "max_label": str(s.idxmax()),
    }
    window = event.get("window")
    if window:
        rolled = s.rolling(int(window)).mean().dropna()
        result["rolling"] = {k: _r(v) for k, v in rolled.items()}
    if event.get("format") == "csv":
        result["csv"] = s.round(6).to_csv()
    return result
