"""optuna 3.1 side of test/peers/tune-optuna.test.ts. Reads one JSON request on stdin:
  {"spaces": [{"space": {...}, "suggestions": [...]}], "grid": [{"space": {...}}],
   "median": [{"direction", "warmup", "startup", "history": [[...]], "current": [...], "step"}]}
and prints {"invalid": [...], "gridSizes": [...], "median": [bool, ...]}."""
import itertools
import json
import sys

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState, create_trial

optuna.logging.set_verbosity(optuna.logging.WARNING)


def distribution(spec):
    if spec["type"] == "float":
        return FloatDistribution(spec["low"], spec["high"], log=spec.get("log", False), step=spec.get("step"))
    if spec["type"] == "int":
        return IntDistribution(spec["low"], spec["high"], log=spec.get("log", False), step=spec.get("step", 1))
    return CategoricalDistribution(spec["choices"])


def invalid(space, suggestions):
    dists = {name: distribution(spec) for name, spec in space.items()}
    bad = []
    for params in suggestions:
        for name, value in params.items():
            dist = dists[name]
            if isinstance(dist, CategoricalDistribution):
                ok = value in dist.choices
            elif isinstance(dist, IntDistribution):
                ok = isinstance(value, int) and dist._contains(dist.to_internal_repr(value))
            else:
                ok = dist._contains(dist.to_internal_repr(value))
            if not ok:
                bad.append({"param": name, "value": value})
    return bad


def grid_size(space):
    # optuna's GridSampler takes explicit values; count the product the way it does.
    values = []
    for spec in space.values():
        d = distribution(spec)
        if isinstance(d, CategoricalDistribution):
            values.append(list(d.choices))
        else:
            step = d.step if d.step is not None else 1
            n = int(round((d.high - d.low) / step)) + 1
            values.append([d.low + k * step for k in range(n)])
    sampler = optuna.samplers.GridSampler(dict(zip(space.keys(), values)))
    return len(sampler._all_grids)


def median_prunes(case):
    study = optuna.create_study(direction=case["direction"])
    dist = {"x": FloatDistribution(0, 1)}
    for values in case["history"]:
        study.add_trial(create_trial(state=TrialState.COMPLETE, value=values[-1], params={"x": 0.5},
                                     distributions=dist,
                                     intermediate_values={i + 1: v for i, v in enumerate(values)}))
    trial = study.ask(dist)
    for i, v in enumerate(case["current"]):
        trial.report(v, i + 1)
    pruner = optuna.pruners.MedianPruner(n_startup_trials=case["startup"], n_warmup_steps=case["warmup"])
    frozen = study._storage.get_trial(trial._trial_id)
    return bool(pruner.prune(study, frozen))


request = json.load(sys.stdin)
print(json.dumps({
    "invalid": [invalid(c["space"], c["suggestions"]) for c in request["spaces"]],
    "gridSizes": [grid_size(c["space"]) for c in request["grid"]],
    "median": [median_prunes(c) for c in request["median"]],
}))
