#!/usr/bin/env bash
# measure.sh KUBECONFIG_PATH [RUNS]
#
# Side by side on one cluster: wall time and peak RSS of
#   (a) kubectl get volumesnapshots,cronjobs,jobs -A -o json > /dev/null
#   (b) snapdeck status --source kube --json > /dev/null
# each RUNS times (default 3), alternating a b a b ..., then a markdown table: wall seconds
# (min / median), peak RSS (largest of the runs) and the ratio snapdeck/kubectl.
#
# snapdeck: $SNAPDECK, else /work/main/target/release/snapdeck. Its `status` exits 0-3 by
# the fleet's health, so only an exit above 3 (or a signal) counts as a failure.
# Peak RSS comes from GNU /usr/bin/time -v when present, else from a python3 wrapper
# (resource.getrusage(RUSAGE_CHILDREN).ru_maxrss; MEASURE_TIMER=python forces it); wall time is
# measured around the command.
# snapdeck's JSON goes to a file (a few MB at most, not /dev/null) so that each run's tenant
# count can be checked against the cluster's: a run that printed fewer tenants than the
# cluster holds is flagged in the table, as its time would not be that of a full read.
set -euo pipefail

KC=${1:?usage: measure.sh KUBECONFIG_PATH [RUNS]}
RUNS=${2:-3}
SNAPDECK=${SNAPDECK:-/work/main/target/release/snapdeck}
[ -r "$KC" ] || { echo "measure.sh: no kubeconfig at $KC" >&2; exit 2; }
[ -x "$SNAPDECK" ] || { echo "measure.sh: no snapdeck binary at $SNAPDECK (set SNAPDECK)" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "measure.sh: kubectl not found" >&2; exit 2; }
export KUBECONFIG=$KC

OUT=$(mktemp -d /tmp/kube-fleet-measure.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

TIMER=${MEASURE_TIMER:-auto}   # MEASURE_TIMER=python forces the fallback
if [ "$TIMER" = auto ]; then
  if /usr/bin/time -v true 2>/dev/null; then TIMER=gnu; else TIMER=python; fi
fi

# run_one NAME MAXOK STDOUT CMD...: appends "wall_seconds rss_kb exit" to $OUT/NAME
run_one() {
  local name=$1 maxok=$2 stdout=$3; shift 3
  local wall rss code
  if [ "$TIMER" = gnu ]; then
    local t0 t1
    t0=$(date +%s%N)
    set +e
    /usr/bin/time -v -o "$OUT/time.txt" "$@" >"$stdout" 2>"$OUT/$name.stderr"
    set -e
    t1=$(date +%s%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')
    rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$OUT/time.txt")
    code=$(awk -F': ' '/Exit status/{print $2}' "$OUT/time.txt")
    if grep -q "Command terminated by signal" "$OUT/time.txt"; then
      code="signal:$(sed -n 's/.*Command terminated by signal \([0-9]*\).*/\1/p' "$OUT/time.txt")"
    fi
  else
    read -r wall rss code < <(python3 - "$OUT/$name.stderr" "$stdout" "$@" <<'PY'
import resource, subprocess, sys, time
err, out = open(sys.argv[1], "wb"), open(sys.argv[2], "wb")
t0 = time.perf_counter()
p = subprocess.run(sys.argv[3:], stdout=out, stderr=err)
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
code = p.returncode if p.returncode >= 0 else f"signal:{-p.returncode}"
print(f"{wall:.3f} {rss} {code}")
PY
)
  fi
  local seen=-
  if [ "$stdout" != /dev/null ]; then
    seen=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tenants"]))' "$stdout" 2>/dev/null || echo "?")
  fi
  echo "$wall $rss $code $seen" >> "$OUT/$name"
  printf '  %-9s run: %7.2f s  %8.1f MB  exit %s  tenants %s\n' "$name" "$wall" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$code" "$seen"
  case $code in
    signal:*) echo "measure.sh: $name died by $code; stderr:" >&2; tail -5 "$OUT/$name.stderr" >&2; exit 1 ;;
  esac
  if [ "$code" -gt "$maxok" ]; then
    echo "measure.sh: $name exited $code; stderr:" >&2; tail -5 "$OUT/$name.stderr" >&2; exit 1
  fi
}

# What is in the cluster: one limit=1 list per kind, remainingItemCount + 1.
count() {
  local sep='?'; case $1 in *\?*) sep='&' ;; esac
  kubectl get --raw "$1${sep}limit=1" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d.get("items", [])) + (d.get("metadata", {}).get("remainingItemCount") or 0))' 2>/dev/null || echo "?"
}
CJ=/apis/batch/v1/cronjobs
kubectl get --raw /apis/batch/v1 2>/dev/null | grep -q '"name":"cronjobs"' || CJ=/apis/batch/v1beta1/cronjobs
echo "cluster: $(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'), server $(kubectl get --raw /version | python3 -c 'import json,sys;print(json.load(sys.stdin)["gitVersion"])')"
# (remainingItemCount is not given for a labelled list: the tenant namespaces are counted by name)
TENANTS=$(kubectl get namespaces -l snapdeck.io/tenant -o name 2>/dev/null | wc -l)
echo "objects: namespaces $(count /api/v1/namespaces) ($TENANTS tenant namespaces), cronjobs $(count $CJ), jobs $(count /apis/batch/v1/jobs), volumesnapshots $(count /apis/snapshot.storage.k8s.io/v1/volumesnapshots)"
echo "kubectl $(kubectl version --client -o json | python3 -c 'import json,sys;print(json.load(sys.stdin)["clientVersion"]["gitVersion"])'), snapdeck $SNAPDECK ($(date -r "$SNAPDECK" '+%F %T')), timer: $TIMER, $RUNS runs each, alternating"

for i in $(seq 1 "$RUNS"); do
  run_one kubectl 0 /dev/null kubectl get volumesnapshots,cronjobs,jobs -A -o json
  run_one snapdeck 3 "$OUT/snapdeck.json" "$SNAPDECK" status --source kube --json
done

python3 - "$OUT" "$TENANTS" <<'PY'
import statistics, sys
out, tenants = sys.argv[1], sys.argv[2]
rows = {}
for name in ("kubectl", "snapdeck"):
    runs = [line.split() for line in open(f"{out}/{name}")]
    walls = [float(r[0]) for r in runs]
    rss = max(int(r[1]) for r in runs) / 1024
    rows[name] = (min(walls), statistics.median(walls), rss, sorted({r[2] for r in runs}),
                  sorted({r[3] for r in runs}))
k, s = rows["kubectl"], rows["snapdeck"]
print()
print("| tool | wall s (min) | wall s (median) | peak RSS MB | exit | tenants in output |")
print("|---|---:|---:|---:|---|---|")
print(f"| `kubectl get volumesnapshots,cronjobs,jobs -A -o json` | {k[0]:.2f} | {k[1]:.2f} | {k[2]:.1f} | {','.join(k[3])} | - |")
print(f"| `snapdeck status --source kube --json` | {s[0]:.2f} | {s[1]:.2f} | {s[2]:.1f} | {','.join(s[3])} | {','.join(s[4])} of {tenants} |")
print(f"| ratio snapdeck/kubectl | {s[0] / k[0]:.2f} | {s[1] / k[1]:.2f} | {s[2] / k[2]:.2f} | | |")
if any(seen != tenants for seen in s[4]):
    print(f"\nWARNING: a snapdeck run printed {','.join(s[4])} tenants where the cluster has "
          f"{tenants}: it answered before reading the whole fleet so "
          "its time is not that of a full read.")
PY
