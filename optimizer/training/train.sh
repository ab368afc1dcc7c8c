#!/usr/bin/env bash
# Reproducible fit of the optimizer's model, one command: the coefficients (a few non-negative least-squares
# solves over features the TypeScript library itself computes, so it runs in the same code and cannot drift
# from it), then the learned correction on their residuals (xgboost in correction.py, pinned in
# requirements.txt; FOUNDRY_PYTHON picks the interpreter, default python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsx optimizer/training/fit.ts "$@"
# Then the held-out accuracy the library reports about itself (data/accuracy.json), on the same CSVs.
csvs=()
while [ $# -gt 0 ]; do
  case "$1" in --csv) csvs+=(--csv "$2"); shift 2 ;; *) shift ;; esac
done
exec node_modules/.bin/tsx optimizer/training/accuracy.ts ${csvs[@]+"${csvs[@]}"}
