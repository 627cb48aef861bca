"""HelloPandas: build a DataFrame from an inline list of records and summarise it."""
import json

import numpy as np
import pandas as pd

RECORDS = [
    {"name": "Ada", "city": "London", "age": 36, "score": 91.5},
    {"name": "Grace", "city": "New York", "age": 45, "score": 88.25},
    {"name": "Linus", "city": "Helsinki", "age": 28, "score": 79.0},
    {"name": "Barbara", "city": "New York", "age": 52, "score": 95.75},
    {"name": "Ken", "city": "London", "age": 61, "score": 84.5},
    {"name": "Margaret", "city": "Boston", "age": 33, "score": 90.0},
]


def _round(obj):
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def lambda_handler(event, context):
    df = pd.DataFrame(RECORDS + list(event.get("extra", [])))
    summary = df[["age", "score"]].describe().round(6)
    result = {
        "message": "Hello from pandas!",
        "rows": int(len(df)),
        "columns": list(df.columns),
        "mean_age": float(df["age"].mean()),
        "summary": json.loads(summary.to_json()),
        "versions": {"pandas": pd.__version__, "numpy": np.__version__},
    }
    group_by = event.get("group_by")
    if group_by:
        grouped = df.groupby(group_by).agg(people=("name", "count"), mean_score=("score", "mean"))
        result["groups"] = json.loads(grouped.round(6).to_json(orient="index"))
    if event.get("format") == "csv":
        result["csv"] = df.sort_values("score", ascending=False).to_csv(index=False)
    return _round(result)
