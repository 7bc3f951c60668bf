#!/usr/bin/env bash
# NativeAOT against JIT, side by side: publishes samples/NativeWorker twice (native: PublishAot; JIT: framework-
# dependent, the same code), then runs the two executables alternately, ROUNDS times each, on the embedded Kafka.
# Per run: the process's wall time to exit (start, publish and handle the messages, stop), its peak resident set (GNU
# time's %M), and the worker's own figures: "MAIN reached in" (process start to the first line of Main: the runtime's
# own start-up) and "STARTED in" (process start until host.StartAsync returned: embedded Kafka up, topics provisioned,
# producer and consumer built). Prints the medians, the
# ratios and the sizes. Results: docs/benchmarks.md, "NativeAOT against JIT".
#
#   bash benchmarks/NativeAot/run.sh [--rounds 5] [--messages 200] [--no-publish]
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=5
messages=200
publish=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --messages) messages="$2"; shift 2 ;;
    --no-publish) publish=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

work="benchmarks/NativeAot/work"
native="$work/native"
jit="$work/jit"
if [ "$publish" = 1 ]; then
  rm -rf "$work"
  mkdir -p "$work"
  dotnet publish samples/NativeWorker -c Release -r linux-x64 -o "$native" >"$work/publish-native.log" 2>&1
  dotnet publish samples/NativeWorker -c Release -r linux-x64 --self-contained false -p:PublishAot=false -o "$jit" >"$work/publish-jit.log" 2>&1
fi

results="$work/runs.tsv"
printf "kind\tround\twall_s\tpeak_kib\tmain_ms\tstarted_ms\n" >"$results"
run_one() { # kind command...
  local kind="$1"; shift
  local out="$work/$kind.out"
  /usr/bin/time -f "%e %M" -o "$work/$kind.time" "$@" --messages "$messages" >"$out"
  grep -q "^OK:" "$out" || { cat "$out"; echo "the $kind worker did not handle its events" >&2; exit 1; }
  read -r wall peak <"$work/$kind.time"
  local main started
  main="$(sed -n 's/^MAIN reached in \([0-9]*\) ms.*/\1/p' "$out")"
  started="$(sed -n 's/^STARTED in \([0-9]*\) ms.*/\1/p' "$out")"
  printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$kind" "$round" "$wall" "$peak" "$main" "$started" >>"$results"
}

# One warm-up each (page cache, SQLite file creation), not counted; then alternate, so load changes hit both alike.
round=0
run_one native "$native/NativeWorker" >/dev/null
run_one jit dotnet "$jit/NativeWorker.dll" >/dev/null
printf "kind\tround\twall_s\tpeak_kib\tmain_ms\tstarted_ms\n" >"$results"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then
    run_one native "$native/NativeWorker"; run_one jit dotnet "$jit/NativeWorker.dll"
  else
    run_one jit dotnet "$jit/NativeWorker.dll"; run_one native "$native/NativeWorker"
  fi
done

native_size=$(stat -c %s "$native/NativeWorker")
# The JIT app's own files, without the native libraries both publishes carry alike (librdkafka, SQLite) and without
# symbols and docs; it also needs the shared .NET runtime installed.
jit_size=$(find "$jit" -maxdepth 1 -type f \( -name '*.dll' -o -name 'NativeWorker' -o -name '*.json' \) -printf '%s\n' | awk '{ s += $1 } END { print s }')
runtime_size=$(du -sb "$(dirname "$(readlink -f "$(command -v dotnet)")")/shared/Microsoft.NETCore.App/$(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }')" | cut -f1)

cat "$results"
python3 - "$results" "$native_size" "$jit_size" "$runtime_size" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
native_size, jit_size, runtime_size = (int(x) for x in sys.argv[2:5])
def med(kind, field):
    return statistics.median(float(r[field]) for r in rows if r["kind"] == kind)
print()
print(f"{'median of ' + str(sum(r['kind'] == 'native' for r in rows)) + ' runs each':<34}{'native':>10}{'JIT':>10}{'native/JIT':>12}")
for field, label, scale in (("main_ms", "runtime start-up (ms, to Main)", 1), ("started_ms", "start-up (ms, to host started)", 1), ("wall_s", "whole run (s)", 1), ("peak_kib", "peak working set (MiB)", 1 / 1024)):
    n, j = med("native", field) * scale, med("jit", field) * scale
    print(f"{label:<34}{n:>10.1f}{j:>10.1f}{n / j:>12.2f}")
print(f"{'executable / app files (MiB)':<34}{native_size / 2**20:>10.1f}{jit_size / 2**20:>10.1f}{native_size / jit_size:>12.2f}")
print(f"{'  + shared runtime (MiB)':<34}{'':>10}{runtime_size / 2**20:>10.1f}")
PY
