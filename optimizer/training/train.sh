#!/usr/bin/env bash
# Reproducible fit of the optimizer's coefficients. The fit is a few non-negative least-squares solves over
# features the TypeScript library itself computes, so it runs in the same code (tsx) and cannot drift from it.
# No Python is needed; requirements.txt pins the optional analysis tools only.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node_modules/.bin/tsx optimizer/training/fit.ts "$@"
