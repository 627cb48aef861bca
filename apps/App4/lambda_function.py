"""Price prediction: a StandardScaler -> SelectKBest -> SVR pipeline loaded with joblib at init."""
import os

import joblib
import numpy as np
import sklearn

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = joblib.load(os.path.join(HERE, "model", "model.joblib"))
FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


def lambda_handler(event, context):
    rows = event.get("rows") or [event["features"]]
    X = np.asarray(rows, dtype=np.float64)
    if X.shape[1] != len(FEATURES):
        return {"statusCode": 400, "error": "expected %d features per row" % len(FEATURES)}
    preds = MODEL.predict(X)
    body = {"predictions": [round(float(p), 6) for p in preds], "sklearn": sklearn.__version__}
    if event.get("explain"):
        mask = MODEL.named_steps["select"].get_support()
        body["selected"] = [f for f, keep in zip(FEATURES, mask) if keep]
    if event.get("evaluate"):
        # Rare path: score the model on the held-out rows of the bundled data set.
        from sklearn.datasets import load_diabetes
        from sklearn.metrics import mean_absolute_error, r2_score

        Xd, yd = load_diabetes(return_X_y=True)
        test = np.arange(len(yd)) % 5 == 0
        pred = MODEL.predict(Xd[test])
        body["holdout"] = {
            "rows": int(test.sum()),
            "r2": round(float(r2_score(yd[test], pred)), 6),
            "mae": round(float(mean_absolute_error(yd[test], pred)), 6),
        }
    return {"statusCode": 200, "body": body}
