"""GCF twin of App6: zeros/ones arrays and a seeded pandas Series.

Google Cloud Functions entry: `series(request)` (deploy with --entry-point series);
AWS-style entry for the harness: `lambda_handler(event, context)`.
"""
import json

import numpy as np
import pandas as pd


def _r(x):
    return round(float(x), 6)


def compute(params):
    size = int(params.get("size", 8))
    seed = int(params.get("seed", 42))
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
    window = params.get("window")
    if window:
        rolled = s.rolling(int(window)).mean().dropna()
        result["rolling"] = {k: _r(v) for k, v in rolled.items()}
    if params.get("format") == "csv":
        result["csv"] = s.round(6).to_csv()
    return result


def series(request):
    """HTTP Cloud Function: parameters come from the JSON body or the query string."""
    params = request.get_json(silent=True) or dict(getattr(request, "args", {}) or {})
    return json.dumps(compute(params)), 200, {"Content-Type": "application/json"}


def lambda_handler(event, context):
    return compute(event)
