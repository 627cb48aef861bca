"""Setup step: fit the price model on sklearn's bundled diabetes data and save it with joblib.

Run by scripts/corpus/python.mjs in the app folder (python3 -S, vendored packages first on sys.path).
Writes model/model.joblib (not committed).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import joblib  # noqa: E402
from sklearn.datasets import load_diabetes  # noqa: E402
from sklearn.feature_selection import SelectKBest, f_regression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVR  # noqa: E402

X, y = load_diabetes(return_X_y=True)
train = [i for i in range(len(y)) if i % 5 != 0]
model = Pipeline([
    ("scale", StandardScaler()),
    ("select", SelectKBest(f_regression, k=6)),
    ("svr", SVR(kernel="rbf", C=100.0, epsilon=5.0)),
])
model.fit(X[train], y[train])
os.makedirs("model", exist_ok=True)
joblib.dump(model, os.path.join("model", "model.joblib"))
print("trained SVR pipeline on %d rows, train R^2 %.3f" % (len(train), model.score(X[train], y[train])))
