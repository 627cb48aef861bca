"""Setup step: train a gradient-boosted booster on sklearn's bundled breast-cancer data (rows i % 5 != 0;
data/holdout.csv holds the others) and save it in xgboost's JSON format as model/booster.json."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402

X, y = load_breast_cancer(return_X_y=True)
train = np.arange(len(y)) % 5 != 0
dtrain = xgb.DMatrix(X[train], label=y[train])
params = {"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "seed": 0, "nthread": 1, "eval_metric": "logloss"}
booster = xgb.train(params, dtrain, num_boost_round=40)
os.makedirs("model", exist_ok=True)
booster.save_model(os.path.join("model", "booster.json"))
print("trained booster (40 rounds) on %d rows" % int(train.sum()))
