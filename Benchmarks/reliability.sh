#!/usr/bin/env bash
# The long part of the reliability suite (README: "Reliability"). About 55 minutes on 2 cores.
#
#   bash Benchmarks/reliability.sh [trials=200] [fuzz-seconds=600]
#
# 1. load: 8 processes writing one database while a reader loops over runs/export; then one
#    sweep with --jobs 8 (reliability load)
# 2. kill -9 at random instants, half runs and half sweeps, each checked and resumed (reliability kill)
# 3. property-based fuzzing of the filter language, sweep specs, config files and output paths, fuzz-seconds each (fuzz)
# 4. a CSV whose second line is 1 GB: refused, with the process's peak memory reported
# The fast part (storage faults, hostile files, hostile commands) is in `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-200}
seconds=${2:-600}

swift build -c release
bin=.build/release

echo "== load"
"$bin/reliability" load
echo "== kill -9"
"$bin/reliability" kill --trials "$trials"
echo "== fuzzing, ${seconds} s each"
"$bin/fuzz" filter --seconds "$seconds"
"$bin/fuzz" spec --seconds "$seconds"
"$bin/fuzz" config --seconds "$seconds"
"$bin/fuzz" output --seconds "$seconds"

echo "== a 1 GB line"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
{ printf 'x,label\n'; head -c 1073741824 /dev/zero | tr '\0' '7'; printf '\n'; } > "$scratch/endless.csv"
python3 - "$bin/gradbook" "$scratch" <<'PY'
import resource, subprocess, sys, time
gradbook, scratch = sys.argv[1], sys.argv[2]
start = time.time()
done = subprocess.run([gradbook, "run", "--dataset", scratch + "/endless.csv", "--db", scratch + "/g.sqlite"],
                      capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"1 GB line: exit {done.returncode} in {time.time() - start:.2f} s, peak resident {peak / 1024:.0f} MB: {done.stderr.strip()}")
sys.exit(0 if done.returncode == 1 and peak < 200_000 else 1)
PY
