"""Reference values for test/peers/sklearn-metrics.test.ts, computed with scikit-learn and scipy.

Usage: sklearn_metrics.py CASES.json RESULTS.json

Every case gets a dict metric -> value; a metric scikit-learn refuses to compute is
{"error": message}; NaN and infinities are written as strings so the output is strict JSON.
"""
import json
import math
import sys
import warnings
from fractions import Fraction

import numpy as np
import sklearn
import scipy
from scipy import stats
from sklearn import metrics as m
from sklearn.preprocessing import label_binarize

warnings.simplefilter("ignore")  # zero_division and undefined-metric warnings are expected


def safe(fn):
    try:
        value = float(fn())
    except ValueError as error:  # scikit-learn's way of saying "undefined"
        return {"error": str(error).splitlines()[0]}
    if math.isnan(value) or math.isinf(value):
        return str(value)
    return value


def ece(conf, pred, y):
    bins = np.minimum(14, np.maximum(0, np.ceil(conf * 15) - 1)).astype(int)
    gap = 0.0
    for b in range(15):
        mask = bins == b
        gap += abs(float(np.sum(pred[mask] == y[mask])) - float(np.sum(conf[mask])))
    return gap / len(y)


def classification(case):
    y = np.asarray(case["yTrue"], dtype=int)
    k = case["numClasses"]
    scores = case.get("yScore")
    s = None if scores is None else np.asarray(scores, dtype=float)
    out = {}
    if case.get("yPred") is not None:
        yp = np.asarray(case["yPred"], dtype=int)
    elif case["task"] == "binary":
        yp = (s > case["threshold"]).astype(int)
    else:
        yp = np.argmax(s, axis=1)
    out["accuracy"] = safe(lambda: m.accuracy_score(y, yp))
    out["balanced_accuracy"] = safe(lambda: m.balanced_accuracy_score(y, yp))
    for avg in ("macro", "weighted"):
        out[f"precision_{avg}"] = safe(lambda: m.precision_score(y, yp, average=avg))
        out[f"recall_{avg}"] = safe(lambda: m.recall_score(y, yp, average=avg))
        out[f"f1_{avg}"] = safe(lambda: m.f1_score(y, yp, average=avg))
    if case["task"] == "binary":
        out["precision"] = safe(lambda: m.precision_score(y, yp, pos_label=1))
        out["recall"] = safe(lambda: m.recall_score(y, yp, pos_label=1))
        out["f1"] = safe(lambda: m.f1_score(y, yp, pos_label=1))
    out["confusion"] = m.confusion_matrix(y, yp, labels=list(range(k))).tolist()
    if scores is None:
        return out
    labels = list(range(k))
    if case["task"] == "binary":
        out["roc_auc"] = safe(lambda: m.roc_auc_score(y, s))
        out["average_precision"] = safe(lambda: m.average_precision_score(y, s, pos_label=1))
        out["log_loss"] = safe(lambda: m.log_loss(y, s, labels=labels))
        out["brier"] = safe(lambda: m.brier_score_loss(y, s, pos_label=1))
        out["ece"] = ece(np.maximum(s, 1 - s), (s > 0.5).astype(int), y)
    else:
        out["roc_auc"] = safe(lambda: m.roc_auc_score(y, s, multi_class="ovr", average="macro", labels=labels))
        # scikit-learn 1.2 refuses multiclass AP; >= 1.3 binarises one-vs-rest exactly like this.
        out["average_precision"] = safe(
            lambda: m.average_precision_score(label_binarize(y, classes=labels), s, average="macro")
        )
        out["log_loss"] = safe(lambda: m.log_loss(y, s, labels=labels))
        out["ece"] = ece(s.max(axis=1), np.argmax(s, axis=1), y)
    return out


def multilabel(case):
    y = np.asarray(case["yTrue"], dtype=int)
    scores = case.get("yScore")
    if case.get("yPred") is not None:
        yp = np.asarray(case["yPred"], dtype=int)
    else:
        yp = (np.asarray(scores, dtype=float) > case["threshold"]).astype(int)
    out = {
        "accuracy": safe(lambda: m.accuracy_score(y, yp)),
        "hamming_loss": safe(lambda: m.hamming_loss(y, yp)),
    }
    for avg in ("micro", "macro"):
        out[f"precision_{avg}"] = safe(lambda: m.precision_score(y, yp, average=avg))
        out[f"recall_{avg}"] = safe(lambda: m.recall_score(y, yp, average=avg))
        out[f"f1_{avg}"] = safe(lambda: m.f1_score(y, yp, average=avg))
    out["confusion"] = m.multilabel_confusion_matrix(y, yp).tolist()
    if scores is not None:
        s = np.asarray(scores, dtype=float)
        out["roc_auc"] = safe(lambda: m.roc_auc_score(y, s, average="macro"))
        out["average_precision"] = safe(lambda: m.average_precision_score(y, s, average="macro"))
    return out


def regression(case):
    y = np.asarray(case["yTrue"], dtype=float)
    yp = np.asarray(case["yPred"], dtype=float)
    out = {
        "mae": safe(lambda: m.mean_absolute_error(y, yp)),
        "mse": safe(lambda: m.mean_squared_error(y, yp)),
        "rmse": safe(lambda: m.mean_squared_error(y, yp, squared=False)),
        "r2": safe(lambda: m.r2_score(y, yp)),
        "explained_variance": safe(lambda: m.explained_variance_score(y, yp)),
        "max_error": safe(lambda: m.max_error(y, yp)),
        "mape": safe(lambda: m.mean_absolute_percentage_error(y, yp)),
    }
    # scikit-learn's two-pass variance leaves a tiny non-zero denominator for some exactly constant
    # y_true (e.g. [0.1]*3); ours is exactly 0 there. Report it so the test can tell them apart.
    constant = bool(np.all(y == y[0]))
    artifact = constant and float(np.sum((y - np.average(y)) ** 2)) != 0.0
    out["constantTrueFloatArtifact"] = artifact
    return out


def mcnemar(case):
    b, c = case["b"], case["c"]
    n = b + c
    if n == 0:
        return {"pValue": 1.0}
    if n < case["exactBelow"]:
        return {"pValue": float(stats.binomtest(min(b, c), n, 0.5).pvalue), "statistic": float(min(b, c))}
    statistic = (abs(b - c) - 1) ** 2 / n
    return {"pValue": float(stats.chi2.sf(statistic, 1)), "statistic": float(statistic)}


def exact_sum(case):
    # Exact rational sum, then Python's correctly rounded int/int division (math.fsum overflows
    # on intermediate sums past 1e308 even when the total is finite).
    total = sum((Fraction(v) for v in case["values"]), Fraction(0))
    return {"sum": total.numerator / total.denominator}


HANDLERS = {
    "binary": classification,
    "multiclass": classification,
    "multilabel": multilabel,
    "regression": regression,
    "mcnemar": mcnemar,
    "exact-sum": exact_sum,
}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    results = {case["id"]: HANDLERS[case["task"]](case) for case in cases}
    with open(sys.argv[2], "w") as f:
        json.dump(
            {"versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__}, "results": results},
            f,
            allow_nan=False,
        )


if __name__ == "__main__":
    main()
