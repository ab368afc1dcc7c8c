#!/usr/bin/env bash
# Reproducible fit of the optimizer's model, one command: the coefficients (a few non-negative least-squares
# solves over features the TypeScript library itself computes, so it runs in the same code and cannot drift
# from it), then the learned correction on their residuals (xgboost in correction.py, pinned in
# requirements.txt; FOUNDRY_PYTHON picks the interpreter, default python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node_modules/.bin/tsx optimizer/training/fit.ts "$@"
