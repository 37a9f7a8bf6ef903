"""The real objective of the tune benchmark: 5-fold cross-validated log loss of an XGBoost
classifier (50 rounds) on scikit-learn's breast-cancer dataset (569 rows, 30 features), minimized.
(Log loss rather than AUC: AUC saturates near 0.99 on this data and cannot tell samplers apart.)
Run as a script it is the long-lived worker modelops' driver talks to: it prints the search space
and direction as the first line, then reads one JSON parameter set per line and answers
{"value": logloss}."""
import json
import sys

import numpy as np
import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold

SPACE = {
    "learning_rate": {"type": "float", "low": 0.01, "high": 0.5, "log": True},
    "max_depth": {"type": "int", "low": 1, "high": 6},
    "min_child_weight": {"type": "float", "low": 0.1, "high": 20, "log": True},
    "subsample": {"type": "float", "low": 0.3, "high": 1.0},
    "colsample_bytree": {"type": "float", "low": 0.2, "high": 1.0},
    "reg_lambda": {"type": "float", "low": 0.001, "high": 100, "log": True},
    "gamma": {"type": "float", "low": 0.0, "high": 5.0},
}
ROUNDS = 50
DIRECTION = "minimize"

_x, _y = load_breast_cancer(return_X_y=True)
_folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(_x, _y))
_dtrain = [xgb.DMatrix(_x[tr], label=_y[tr]) for tr, _ in _folds]
_dtest = [xgb.DMatrix(_x[te], label=_y[te]) for _, te in _folds]


def cv_logloss(params):
    config = {"objective": "binary:logistic", "eval_metric": "logloss", "nthread": 1, "seed": 0,
              "tree_method": "hist", **params}
    scores = []
    for dtr, dte in zip(_dtrain, _dtest):
        booster = xgb.train(config, dtr, ROUNDS)
        scores.append(float(booster.eval(dte).split(":")[1]))
    return float(np.mean(scores))


if __name__ == "__main__":
    print(json.dumps({"space": SPACE, "direction": DIRECTION}), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps({"value": cv_logloss(json.loads(line))}), flush=True)
