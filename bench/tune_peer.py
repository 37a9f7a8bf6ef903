"""optuna 3.1 (Debian python3-optuna) side of the tune benchmark.
  quality <objective> <tpe|tpe-multivariate|random> <seeds> <trials>  → one JSON line per seed
  overhead <trials>                                                   → per-trial ask+tell ms (TPE, Branin)
  xgb <tpe|random> <seeds> <trials>                                   → quality on bench/tune_xgb.py's objective
"""
import json
import sys
import time
import warnings

import optuna
import os

from tune_objectives import FUNCTIONS, SPACES

optuna.logging.set_verbosity(optuna.logging.WARNING)
# First seed (BENCH_TUNE_SEED_START, default 0), as in bench/tune-driver.ts.
SEED_START = int(os.environ.get("BENCH_TUNE_SEED_START", "0"))
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def distribution(spec):
    if spec["type"] == "float":
        return optuna.distributions.FloatDistribution(spec["low"], spec["high"], log=spec.get("log", False))
    if spec["type"] == "int":
        return optuna.distributions.IntDistribution(spec["low"], spec["high"], log=spec.get("log", False))
    return optuna.distributions.CategoricalDistribution(spec["choices"])


def sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe-multivariate":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    return optuna.samplers.RandomSampler(seed=seed)


def run(space, fn, name, seed, trials, direction="minimize"):
    study = optuna.create_study(direction=direction, sampler=sampler(name, seed))
    dists = {k: distribution(v) for k, v in space.items()}
    curve, overhead = [], []
    best = None
    for _ in range(trials):
        started = time.perf_counter()
        trial = study.ask(dists)
        asked = time.perf_counter()
        value = fn(trial.params)
        told = time.perf_counter()
        study.tell(trial, value)
        overhead.append((asked - started + time.perf_counter() - told) * 1000)
        better = best is None or (value < best if direction == "minimize" else value > best)
        best = value if better else best
        curve.append(best)
    return curve, overhead


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "quality":
        objective, name, seeds, trials = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        for seed in range(SEED_START, SEED_START + seeds):
            curve, _ = run(SPACES[objective], FUNCTIONS[objective], name, seed, trials)
            print(json.dumps({"seed": seed, "curve": curve}), flush=True)
    elif mode == "overhead":
        _, overhead = run(SPACES["branin"], FUNCTIONS["branin"], "tpe", 0, int(sys.argv[2]))
        print(json.dumps({"suggestMs": overhead}))
    elif mode == "xgb":
        from tune_xgb import DIRECTION, SPACE, cv_logloss
        name, seeds, trials = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        for seed in range(SEED_START, SEED_START + seeds):
            curve, _ = run(SPACE, cv_logloss, name, seed, trials, DIRECTION)
            print(json.dumps({"seed": seed, "curve": curve}), flush=True)
