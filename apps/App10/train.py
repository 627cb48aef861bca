"""Setup step: train a gradient-boosted booster on sklearn's bundled breast-cancer data (rows i % 5 != 0;
data/holdout.csv holds the others) and save it in LightGBM's text format as model/booster.txt."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import lightgbm as lgb  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402

X, y = load_breast_cancer(return_X_y=True)
train = np.arange(len(y)) % 5 != 0
dtrain = lgb.Dataset(X[train], label=y[train])
params = {"objective": "binary", "max_depth": 3, "num_leaves": 7, "learning_rate": 0.3, "seed": 0, "num_threads": 1, "deterministic": True, "verbose": -1}
booster = lgb.train(params, dtrain, num_boost_round=40)
os.makedirs("model", exist_ok=True)
booster.save_model(os.path.join("model", "booster.txt"))
print("trained booster (40 rounds) on %d rows" % int(train.sum()))
