"""Wine training: fit a RandomForest (30 trees, fixed seed) on the bundled wine data, save it under /tmp."""
import os

import boto3
import joblib
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

OUT_DIR = "/tmp/faaslight-app9t"


def lambda_handler(event, context):
    data = load_wine(as_frame=True)
    df = data.frame
    X, y = df.drop(columns="target"), df["target"]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=float(event.get("test_size", 0.25)), random_state=int(event.get("seed", 42)), stratify=y
    )
    model = RandomForestClassifier(n_estimators=30, random_state=int(event.get("seed", 42)), n_jobs=1)
    model.fit(X_train, y_train)
    acc = accuracy_score(y_test, model.predict(X_test))
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, "wine_rf.joblib")
    joblib.dump(model, path)
    body = {"accuracy": round(float(acc), 6), "train_rows": int(len(X_train)), "test_rows": int(len(X_test)), "model": path}
    if event.get("report"):
        # Rare path: per-class report and cross-validation on the whole set.
        from sklearn.inspection import permutation_importance
        from sklearn.metrics import classification_report
        from sklearn.model_selection import cross_val_score

        rep = classification_report(y_test, model.predict(X_test), output_dict=True, zero_division=0)
        body["f1"] = {k: round(float(v["f1-score"]), 6) for k, v in rep.items() if k in ("0", "1", "2")}
        scores = cross_val_score(RandomForestClassifier(n_estimators=10, random_state=0, n_jobs=1), X, y, cv=int(event["report"]))
        body["cv_mean"] = round(float(scores.mean()), 6)
        perm = permutation_importance(model, X_test, y_test, n_repeats=3, random_state=0, n_jobs=1)
        top = pd.Series(perm.importances_mean, index=X.columns).sort_values(ascending=False).head(3)
        body["permutation_top3"] = {k: round(float(v), 6) for k, v in top.items()}
        body["class_counts"] = pd.Series(y).value_counts().sort_index().to_dict()
    if event.get("s3"):
        boto3.client("s3").upload_file(path, event["s3"]["bucket"], event["s3"].get("key", "wine_rf.joblib"))
        body["uploaded"] = True
    return {"statusCode": 200, "body": body}
