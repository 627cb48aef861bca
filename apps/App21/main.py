"""Iris classifier service (modeled on a BentoML LDA service; BentoML is not in Debian).

The service framework (FastAPI + uvicorn) is imported and the app is built at init, as a BentoML
service would be; a linear discriminant analysis written with numpy is fitted on sklearn's iris data.
Google Cloud Functions entry: `classify(request)`; AWS-style entry: `lambda_handler(event, context)`.
"""
import json
from typing import List

import numpy as np
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ValidationError, conlist
from sklearn.datasets import load_iris


class IrisFeatures(BaseModel):
    features: conlist(float, min_length=4, max_length=4)


class IrisBatch(BaseModel):
    rows: List[conlist(float, min_length=4, max_length=4)]


class NumpyLDA:
    """Linear discriminant analysis: class means, pooled covariance, linear scores."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.means_ = np.array([X[y == c].mean(axis=0) for c in self.classes_])
        centered = X - self.means_[np.searchsorted(self.classes_, y)]
        cov = centered.T @ centered / (len(X) - len(self.classes_))
        self.prec_ = np.linalg.inv(cov)
        self.priors_ = np.array([(y == c).mean() for c in self.classes_])
        return self

    def decision_function(self, X):
        coef = self.means_ @ self.prec_
        intercept = -0.5 * np.sum(coef * self.means_, axis=1) + np.log(self.priors_)
        return X @ coef.T + intercept

    def predict(self, X):
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


IRIS = load_iris()
X_ALL, Y_ALL = IRIS.data, IRIS.target
TRAIN = np.arange(len(Y_ALL)) % 3 != 0
MODEL = NumpyLDA().fit(X_ALL[TRAIN], Y_ALL[TRAIN])
ACCURACY = float((MODEL.predict(X_ALL[~TRAIN]) == Y_ALL[~TRAIN]).mean())

app = FastAPI(title="iris_classifier")


@app.post("/classify")
def classify_endpoint(payload: IrisFeatures):
    label = int(MODEL.predict(np.array([payload.features]))[0])
    return {"label": IRIS.target_names[label], "class": label, "holdout_accuracy": round(ACCURACY, 6)}


@app.post("/classify_batch")
def classify_batch_endpoint(payload: IrisBatch, compare: bool = False):
    rows = np.array(payload.rows)
    labels = MODEL.predict(rows).tolist()
    body = {"labels": [IRIS.target_names[l] for l in labels], "holdout_accuracy": round(ACCURACY, 6)}
    if compare:
        # Rare path: check the numpy LDA against scikit-learn's.
        from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

        ref = LinearDiscriminantAnalysis().fit(X_ALL[TRAIN], Y_ALL[TRAIN])
        body["sklearn_agrees"] = bool((ref.predict(rows) == np.array(labels)).all())
        body["sklearn_holdout_accuracy"] = round(float(ref.score(X_ALL[~TRAIN], Y_ALL[~TRAIN])), 6)
    return body


def handle(event):
    try:
        if "rows" in event:
            return 200, classify_batch_endpoint(IrisBatch(rows=event["rows"]), bool(event.get("compare")))
        return 200, classify_endpoint(IrisFeatures(features=event.get("features")))
    except ValidationError as e:
        # Rare path: FastAPI's own 422 body for invalid input.
        import difflib

        from fastapi.encoders import jsonable_encoder

        body = {"detail": jsonable_encoder(e.errors())}
        known = ["features", "rows"]
        hints = {k: difflib.get_close_matches(k, known, n=1) for k in event if k not in known}
        if any(hints.values()):
            body["did_you_mean"] = {k: v[0] for k, v in hints.items() if v}
        return 422, body
    except HTTPException as e:
        return e.status_code, {"detail": e.detail}


def classify(request):
    status, body = handle(request.get_json(silent=True) or {})
    return json.dumps(body), status, {"Content-Type": "application/json"}


def lambda_handler(event, context):
    status, body = handle(event)
    return {"statusCode": status, "body": body}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=3000)
