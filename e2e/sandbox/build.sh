#!/usr/bin/env bash
# Builds kube-sandbox into ~/.cache/foundry/kube-sandbox/<VERSION>/ and prints
# the binary path on stdout (everything else goes to stderr).
#   build.sh           build if needed, print the path
#   build.sh --check   print the path and exit 0 if built, else exit 3 (no build)
#   build.sh --force   rebuild even if cached VERSION is the
# Kubernetes version plus a hash of the inputs, so an unchanged tree reuses
# the cached binary and any change to go.mod/go.sum/*.go rebuilds it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

k8s_version="$(awk '$1=="k8s.io/kubernetes"{print $2; exit}' go.mod)"
if [[ ! "$k8s_version" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
  echo "build.sh: cannot read k8s.io/kubernetes version from go.mod" >&2
  exit 1
fi
major="${BASH_REMATCH[1]}"; minor="${BASH_REMATCH[2]}"

# Test files do not change the binary, so they are left out of the hash.
inputs_hash="$(
  { printf '%s\n' go.mod go.sum build.sh; find . -name '*.go' ! -name '*_test.go' -not -path './node_modules/*'; } \
    | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16
)"
version="${k8s_version}-${inputs_hash}"
cache_root="${FOUNDRY_CACHE_DIR:-$HOME/.cache/foundry}/kube-sandbox"
out_dir="$cache_root/$version"
bin="$out_dir/kube-sandbox"

if [[ -x "$bin" && "${1:-}" != "--force" ]]; then
  echo "$bin"
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "build.sh: kube-sandbox $version is not built (run e2e/sandbox/build.sh)" >&2
  exit 3
fi

command -v go >/dev/null || { echo "build.sh: Go toolchain not found (need Go >= 1.24)" >&2; exit 1; }
mkdir -p "$out_dir"
tmp="$out_dir/.kube-sandbox.$$"
trap 'rm -f "$tmp"' EXIT

pkg="k8s.io/component-base/version"
ldflags="-s -w -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$k8s_version -X k8s.io/client-go/pkg/version.gitMajor=$major -X k8s.io/client-go/pkg/version.gitMinor=$minor"

# No -trimpath: the same build cache then serves `CGO_ENABLED=0 go test`.
# Two cores and ~24 GiB: -p 2 keeps the peak at a few GiB; more parallelism
# only adds memory pressure without finishing sooner.
build=(env CGO_ENABLED=0 GOFLAGS=-mod=readonly GOMAXPROCS="${GOMAXPROCS:-2}"
  go build -p "${SANDBOX_BUILD_JOBS:-2}" -ldflags "$ldflags" -o "$tmp" .)

echo "build.sh: building kube-sandbox $version (cold builds take several minutes)" >&2
start=$(date +%s)
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -v -o "$out_dir/build-stats.txt" "${build[@]}" >&2
  peak_kb=$(awk -F': ' '/Maximum resident set size/{print $2}' "$out_dir/build-stats.txt")
  echo "build.sh: built in $(( $(date +%s) - start ))s, peak RSS of one process $(( peak_kb / 1024 )) MiB" >&2
else
  "${build[@]}" >&2
  echo "build.sh: built in $(( $(date +%s) - start ))s (install 'time' for peak memory)" >&2
fi
mv "$tmp" "$bin"
trap - EXIT
# Each version is ~120 MB; keep this one and the two most recent others. `|| true`: on a cold cache there
# is no other version, grep selects nothing and exits 1, which pipefail would turn into a failed build.
{ ls -1dt "$cache_root"/v* 2>/dev/null | grep -vx "$out_dir" || true; } | tail -n +3 | xargs -r rm -rf
echo "$bin"
