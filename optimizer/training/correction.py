"""Trains the learned correction of the optimizer (xgboost, one tree ensemble per target: TTFT and TPOT).

Reads a job file written by the TypeScript side (optimizer/training/correction-train.ts): the correction's
feature vectors (optimizer/src/correction/features.ts) and the targets log(measured / physics prediction) of
the training rows, for one or more fits (the shipped one, or one per hold-out fold). Writes, per fit and per
target, the ensemble in the compact form the TypeScript evaluator reads (optimizer/src/correction/model.ts),
and, when asked, xgboost's own margins for given rows so the evaluator can be checked against it to 1e-4.

    python3 correction.py JOBS.json OUT.json
"""
import json
import sys

import numpy as np
import xgboost as xgb


def compact(booster: xgb.Booster, used: list[int]) -> dict:
    """xgboost's JSON model reduced to what prediction needs: per tree, parallel arrays over its nodes."""
    model = json.loads(booster.save_raw(raw_format="json"))
    learner = model["learner"]
    base = learner["learner_model_param"]["base_score"]
    base_score = float(json.loads(base)[0] if base.startswith("[") else base)
    trees = []
    for t in learner["gradient_booster"]["model"]["trees"]:
        left = t["left_children"]
        trees.append(
            {
                # A split sends x to the left when float32(x) < condition; a leaf (no children) holds its value there.
                "feature": [used[i] if left[n] != -1 else -1 for n, i in enumerate(t["split_indices"])],
                "condition": [float(np.float32(v)) for v in t["split_conditions"]],
                "left": left,
                "right": t["right_children"],
                "missingLeft": [bool(v) for v in t["default_left"]],
            }
        )
    return {"baseScore": base_score, "trees": trees}


def fit(job: dict, spec: dict, target: str) -> tuple[xgb.Booster, list[int]]:
    names = spec["features"]
    used = [i for i, n in enumerate(names) if n not in spec["excluded"][target]]
    X = np.asarray(job["X"], dtype=np.float64)[:, used]
    y = np.asarray(job["y"][target], dtype=np.float64)
    mono = "(" + ",".join(str(spec["monotone"][target].get(names[i], 0)) for i in used) + ")"
    p = spec["params"]
    params = {
        "objective": p["objective"],
        "max_depth": p["maxDepth"],
        "eta": p["eta"],
        "subsample": p["subsample"],
        "colsample_bytree": p["colsample"],
        "min_child_weight": p["minChildWeight"],
        "lambda": p["lambda"],
        "monotone_constraints": mono,
        "tree_method": "exact",
        "seed": p["seed"],
        "nthread": 1,  # deterministic across machines
    }
    return xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=p["rounds"]), used


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: correction.py JOBS.json OUT.json")
    spec = json.load(open(sys.argv[1]))
    out = []
    for job in spec["jobs"]:
        if len(job["X"]) == 0:
            sys.exit(f"job {job['name']}: no training rows")
        fitted = {"name": job["name"]}
        for target in ("ttft", "tpot"):
            booster, used = fit(job, spec, target)
            fitted[target] = compact(booster, used)
            if job.get("parityX"):
                P = np.asarray(job["parityX"], dtype=np.float64)[:, used]
                fitted.setdefault("parity", {})[target] = booster.predict(xgb.DMatrix(P), output_margin=True).astype(float).tolist()
        out.append(fitted)
    json.dump({"xgboost": xgb.__version__, "jobs": out}, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
