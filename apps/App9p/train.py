"""Setup step: fit the wine RandomForest on sklearn's bundled wine data; writes model/wine_rf.joblib."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import joblib  # noqa: E402
from sklearn.datasets import load_wine  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402

data = load_wine(as_frame=True)
X, y = data.data, data.target
train = X.index % 4 != 0
model = RandomForestClassifier(n_estimators=30, max_depth=6, random_state=7, n_jobs=1)
model.fit(X[train], y[train])
model.feature_names = list(X.columns)
os.makedirs("model", exist_ok=True)
joblib.dump(model, os.path.join("model", "wine_rf.joblib"))
print("trained RandomForest(30) on %d rows, holdout accuracy %.3f" % (int(train.sum()), model.score(X[~train], y[~train])))
