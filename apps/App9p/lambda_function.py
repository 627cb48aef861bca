"""Wine quality prediction: a RandomForest loaded at init, features from the event as a DataFrame."""
import os

import boto3
import joblib
import pandas as pd
import sklearn

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_PATH = os.path.join(HERE, "model", "wine_rf.joblib")
CLASSES = ["class_0", "class_1", "class_2"]


def load_model(event):
    if event.get("s3"):
        path = "/tmp/wine_rf.joblib"
        boto3.client("s3").download_file(event["s3"]["bucket"], event["s3"]["key"], path)
        return joblib.load(path)
    return MODEL


MODEL = joblib.load(MODEL_PATH)


def lambda_handler(event, context):
    model = load_model(event)
    samples = event.get("samples") or [event["sample"]]
    df = pd.DataFrame(samples, columns=model.feature_names)
    labels = model.predict(df)
    body = {"predictions": [CLASSES[int(c)] for c in labels], "sklearn": sklearn.__version__}
    if event.get("proba"):
        proba = pd.DataFrame(model.predict_proba(df), columns=CLASSES).round(6)
        body["proba"] = proba.to_dict(orient="records")
    if event.get("importances"):
        imp = pd.Series(model.feature_importances_, index=model.feature_names).sort_values(ascending=False)
        body["top_features"] = {k: round(float(v), 6) for k, v in imp.head(int(event["importances"])).items()}
    if event.get("format") == "csv":
        df["prediction"] = body["predictions"]
        body["csv"] = df.to_csv(index=False)
    return {"statusCode": 200, "body": body}
