"""Peer for test/peers/xgboost-parity.test.ts: trains XGBoost models on seeded data, saves each
model (JSON, and UBJSON for one), the features as NPY and XGBoost's own predictions as NPY.

usage: xgboost_parity.py OUTDIR [--trees N] [--rows N] [--only CASE]
"""
import json
import sys

import numpy as np
import xgboost as xgb


def data(rng, rows, features, nan_fraction):
    x = rng.normal(size=(rows, features)).astype(np.float32)
    if nan_fraction:
        x[rng.random(size=x.shape) < nan_fraction] = np.nan
    return x


def main():
    out = sys.argv[1]
    args = sys.argv[2:]
    trees = int(args[args.index("--trees") + 1]) if "--trees" in args else 100
    rows = int(args[args.index("--rows") + 1]) if "--rows" in args else 5000
    only = args[args.index("--only") + 1] if "--only" in args else None
    rng = np.random.default_rng(7)
    features = 12
    cases = {
        "binary": ({"objective": "binary:logistic"}, "binary", 0.0, "json"),
        "binary-nan": ({"objective": "binary:logistic", "base_score": 0.3}, "binary", 0.15, "json"),
        "multiclass": ({"objective": "multi:softprob", "num_class": 4}, "multi", 0.1, "json"),
        "multi-softmax": ({"objective": "multi:softmax", "num_class": 3}, "multi3", 0.0, "json"),
        "regression": ({"objective": "reg:squarederror"}, "reg", 0.1, "json"),
        "regression-ubj": ({"objective": "reg:squarederror"}, "reg", 0.05, "ubj"),
        "poisson": ({"objective": "count:poisson"}, "count", 0.0, "json"),
        "dart": ({"objective": "binary:logistic", "booster": "dart", "rate_drop": 0.1}, "binary", 0.0, "json"),
    }
    summary = {}
    for name, (params, target, nan_fraction, fmt) in cases.items():
        if only and name != only:
            continue
        x = data(rng, rows, features, nan_fraction)
        signal = np.nan_to_num(x[:, 0]) * 1.5 - np.nan_to_num(x[:, 1]) ** 2 + np.sin(np.nan_to_num(x[:, 2]) * 3)
        noise = rng.normal(scale=0.3, size=rows)
        if target == "binary":
            y = (signal + noise > 0).astype(np.float32)
        elif target == "multi":
            y = np.digitize(signal + noise, [-1.0, 0.0, 1.0]).astype(np.float32)
        elif target == "multi3":
            y = np.digitize(signal + noise, [-0.5, 0.5]).astype(np.float32)
        elif target == "count":
            y = rng.poisson(np.exp(np.clip(signal, -3, 2))).astype(np.float32)
        else:
            y = (signal + noise).astype(np.float32)
        booster = xgb.train(
            {"max_depth": 6, "eta": 0.1, "seed": 1, "nthread": 1, **params},
            xgb.DMatrix(x, label=y, missing=np.nan),
            num_boost_round=trees,
        )
        booster.save_model(f"{out}/{name}.{fmt}")
        np.save(f"{out}/{name}-x.npy", x)
        predicted = booster.predict(xgb.DMatrix(x, missing=np.nan))
        np.save(f"{out}/{name}-y.npy", predicted.astype(np.float32))
        summary[name] = {"model": f"{name}.{fmt}", "shape": list(predicted.shape)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
