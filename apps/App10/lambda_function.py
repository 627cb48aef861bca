"""Booster prediction (modeled on a LightGBM function): load a trained booster at init, numpy.loadtxt a CSV,
return the accuracy."""
import os

import lightgbm as lgb
import numpy as np
import sklearn

HERE = os.path.dirname(os.path.abspath(__file__))
BOOSTER = lgb.Booster(model_file=os.path.join(HERE, "model", "booster.txt"))
DATA = os.path.join(HERE, "data", "holdout.csv")


def lambda_handler(event, context):
    rows = np.loadtxt(DATA, delimiter=",")
    limit = int(event.get("limit", len(rows)))
    X, y = rows[:limit, :-1], rows[:limit, -1]
    proba = BOOSTER.predict(X, num_threads=1)
    threshold = float(event.get("threshold", 0.5))
    pred = (proba >= threshold).astype(int)
    body = {
        "rows": int(len(y)),
        "accuracy": round(float((pred == y).mean()), 6),
        "positives": int(pred.sum()),
        "lightgbm": lgb.__version__,
    }
    if event.get("metrics"):
        # Rare path: threshold-free metrics from scikit-learn.
        from sklearn.calibration import calibration_curve
        from sklearn.metrics import log_loss, roc_auc_score

        body["auc"] = round(float(roc_auc_score(y, proba)), 6)
        body["logloss"] = round(float(log_loss(y, proba)), 6)
        frac_pos, mean_pred = calibration_curve(y, proba, n_bins=4)
        body["calibration"] = [[round(float(a), 6), round(float(b), 6)] for a, b in zip(mean_pred, frac_pos)]
        body["sklearn"] = sklearn.__version__
    if event.get("importance"):
        gain = zip(BOOSTER.feature_name(), BOOSTER.feature_importance(importance_type="gain"))
        top = sorted(gain, key=lambda kv: (-kv[1], kv[0]))[: int(event["importance"])]
        body["top_gain"] = {k: round(float(v), 6) for k, v in top}
    return {"statusCode": 200, "body": body}
