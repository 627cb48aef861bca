"""Sentiment analysis: a CountVectorizer + MultinomialNB pipeline unpickled from a gzip file at init."""
import gzip
import os
import pickle

import numpy as np
import pandas as pd
import sklearn

HERE = os.path.dirname(os.path.abspath(__file__))
with gzip.open(os.path.join(HERE, "model", "sentiment.pkl.gz"), "rb") as f:
    MODEL = pickle.load(f)


def lambda_handler(event, context):
    texts = event.get("texts") or [event["text"]]
    labels = MODEL.predict(texts)
    proba = MODEL.predict_proba(texts)
    classes = list(MODEL.classes_)
    results = [
        {"text": t, "label": str(l), "confidence": round(float(p.max()), 6)} for t, l, p in zip(texts, labels, proba)
    ]
    body = {"results": results, "sklearn": sklearn.__version__}
    if event.get("explain"):
        vec, nb = MODEL.steps[0][1], MODEL.steps[-1][1]
        vocab = np.array(vec.get_feature_names_out())
        diff = nb.feature_log_prob_[classes.index("pos")] - nb.feature_log_prob_[classes.index("neg")]
        order = np.argsort(diff, kind="stable")
        body["most_negative"] = vocab[order[:5]].tolist()
        body["most_positive"] = vocab[order[::-1][:5]].tolist()
    if event.get("summary"):
        df = pd.DataFrame(results)
        body["summary"] = df.groupby("label")["confidence"].agg(["count", "mean"]).round(6).to_dict(orient="index")
        body["table"] = df.to_string(index=False)
    return {"statusCode": 200, "body": body}
