#!/usr/bin/env bash
# Generator and analyzer build benchmark (issue 3, item 7; issue 5's analyzer budget; issue 13, item 6).
#
# Generates a project of 1,000 [Event]/[Command] contracts and 1,000 [Idempotent] handlers that references the
# runtime, the generator and the analyzers of this repository by ProjectReference, and times in alternating rounds:
#   all   the project as a user builds it (generator + analyzers), with ReportAnalyzer on;
#   stj   the same sources without the generator and the analyzers, serialized instead by System.Text.Json source
#         generation (one JsonSerializerContext listing every contract): the fair baseline;
#   none  the same sources without any serializer (a shim stands in for IMessageHandler<T>): the lower bound;
#   docs  as all, plus the package's build props and targets (MessageContractsDocuments=true, which all leaves off):
#         the contract model, the compatibility analyzer against a MessageContracts.Shipped.json (written once in the
#         warm-up with -p:UpdateMessageContractsBaseline=true), the AsyncAPI document and the JSON Schemas;
#   nocompat   as docs, with MC0030-MC0039 suppressed, so the compiler skips the compatibility analyzer altogether:
#         docs vs nocompat is that analyzer's cost;
#   nobaseline as docs, without the baseline file;
# each as a full build (bin/obj of the project removed; restore done once, beforehand, and not timed) and as an
# incremental edit (one optional member added to one contract, then rebuilt). Odd rounds run the variants in the
# order nobaseline, nocompat, docs, stj, all, none and even rounds in the reverse order, so the pairs compared
# (nocompat and docs, docs and stj, stj and all) run next to each other and take turns going first. Results go to
# docs/benchmarks.md by hand.
#
#   benchmarks/GeneratorBuild/run.sh            3 rounds (22 min on 2 cores at a load average of about 11)
#   benchmarks/GeneratorBuild/run.sh --quick    1 round, no generated-size count
#   benchmarks/GeneratorBuild/run.sh --variants nocompat,docs,stj,all --full-only --rounds 4
#                                               the documents and the compatibility analyzer (issue 13)
#   options: --rounds N, --contracts N (default 1000), --variants V,... (default all,stj,none; any of
#            nobaseline,nocompat,docs,stj,all,none),
#            --full-only (no incremental-edit builds), --binlog (also write an msbuild binary log per build)
#
# Everything it writes is under benchmarks/GeneratorBuild/work/ (git-ignored): the project, its build output and
# that of the referenced projects (--artifacts-path, so builds of src/ elsewhere on the machine are not disturbed),
# the logs, results.jsonl and summary.md. Needs bash, python3, bc, /usr/bin/time (GNU time) and the .NET SDK.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$here/work"
rounds=3
contracts=1000
quick=false
variants="all,stj,none"
full_only=false
binlog=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=true; rounds=1 ;;
    --rounds) rounds="$2"; shift ;;
    --contracts) contracts="$2"; shift ;;
    --variants) variants="$2"; shift ;;
    --full-only) full_only=true ;;
    --binlog) binlog=true ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

proj="$work/Bench"
artifacts="$work/artifacts"
logs="$work/logs"
results="$work/results.jsonl"
edit_file="$proj/Contracts/Contracts000.cs"
started=$(date +%s)

rm -rf "$logs" "$results" "$work/generated" "$work/generated-stj" "$work/gensize.json" "$work/gensize-stj.json"
mkdir -p "$logs"
python3 "$here/report.py" meta > "$work/meta.json"
task_assembly="$artifacts/bin/MessageContracts.Build/debug/MessageContracts.Build.dll"
python3 "$here/generate.py" "$proj" "$repo" --contracts "$contracts" --task-assembly "$task_assembly"
cp "$edit_file" "$work/Contracts000.cs.orig"

common=(--no-restore --artifacts-path "$artifacts" -nologo)

clean_project() {
  # The project's own output only; obj/Bench/project.assets.json (the restore) stays.
  rm -rf "$artifacts/bin/Bench" "$artifacts/obj/Bench/debug"
}

# One timed build of the project alone (the referenced projects are built in the warm-up).
timed_build() { # round variant kind
  local log="$logs/r$1-$2-$3.log" t0 t1 extra=()
  if [[ "$binlog" == true ]]; then extra=("-bl:$logs/r$1-$2-$3.binlog"); fi
  t0=$(date +%s.%N)
  # CPU time (user + sys) of the build and every process it waited for, csc included: on shared cores it varies far
  # less with the load than the wall time does.
  if ! /usr/bin/time -f "%U %S" -o "$log.cpu" \
       dotnet build "$proj/Bench.csproj" "${common[@]}" -p:BuildProjectReferences=false -p:BenchToolkit="$2" \
       -p:ReportAnalyzer=true -v:d -clp:PerformanceSummary "${extra[@]}" > "$log" 2>&1; then
    grep -E "error|warning" "$log" | tail -20 >&2
    echo "build failed: $log" >&2
    exit 1
  fi
  t1=$(date +%s.%N)
  # A full docs build compares the contracts with an up-to-date baseline: any compatibility diagnostic means the
  # analyzer did more (or less) than the benchmark means to measure. (TreatWarningsAsErrors fails the others.)
  if [[ "$2" == docs && "$3" == full ]] && grep -qE "(warning|info) MC003[0-9]" "$log"; then
    grep -E "(warning|info) MC003[0-9]" "$log" | head -5 >&2
    echo "docs: compatibility diagnostics against the baseline: $log" >&2
    exit 1
  fi
  local cpu
  cpu=$(awk '{ print $1 + $2 }' "$log.cpu")
  python3 "$here/report.py" parse "$log" "$1" "$2" "$3" "$(echo "$t1 - $t0" | bc)" "$cpu" >> "$results"
  printf '  round %s  %-4s  %-4s  %6.1f s  (cpu %6.1f s)\n' "$1" "$2" "$3" "$(echo "$t1 - $t0" | bc)" "$cpu"
}

add_member() { # the incremental edit: contract 0 gets one more positional member, optional (a compatible change)
  sed -i 's|/\*BENCH-EDIT\*/|,\n    int? Revision = null/*BENCH-EDIT*/|' "$edit_file"
}

uses_documents() { [[ ",$variants," == *",docs,"* || ",$variants," == *",nocompat,"* || ",$variants," == *",nobaseline,"* ]]; }

echo "== restore (not timed)"
dotnet restore "$proj/Bench.csproj" --artifacts-path "$artifacts" -nologo -v:q

echo "== warm-up (not timed): build the referenced projects, check the project builds without warnings"
dotnet build "$proj/Bench.csproj" "${common[@]}" -p:BenchToolkit=none -v:q -clp:ErrorsOnly > "$logs/warmup-none.log" 2>&1 \
  || { cat "$logs/warmup-none.log"; exit 1; }
if uses_documents; then
  echo "== warm-up (not timed): the build task, and the baseline MessageContracts.Shipped.json"
  dotnet build "$repo/src/Build/MessageContracts.Build.csproj" --artifacts-path "$artifacts" -nologo -v:q -clp:ErrorsOnly \
    > "$logs/warmup-task.log" 2>&1 || { cat "$logs/warmup-task.log"; exit 1; }
  [[ -f "$task_assembly" ]] || { echo "no task assembly at $task_assembly" >&2; exit 1; }
  clean_project
  dotnet build "$proj/Bench.csproj" "${common[@]}" -p:BuildProjectReferences=false -p:BenchToolkit=docs \
    -p:UpdateMessageContractsBaseline=true -v:q -clp:ErrorsOnly > "$logs/warmup-baseline.log" 2>&1 \
    || { cat "$logs/warmup-baseline.log"; exit 1; }
  [[ -f "$proj/MessageContracts.Shipped.json" ]] || { echo "no baseline written" >&2; exit 1; }
fi
if [[ "$quick" == false ]]; then
  clean_project
  dotnet build "$proj/Bench.csproj" "${common[@]}" -p:BuildProjectReferences=false -p:BenchToolkit=all \
    -p:EmitCompilerGeneratedFiles=true -p:CompilerGeneratedFilesOutputPath="$work/generated" -v:q -clp:ErrorsOnly \
    > "$logs/warmup-all.log" 2>&1 || { cat "$logs/warmup-all.log"; exit 1; }
  python3 "$here/report.py" gensize "$work/generated" > "$work/gensize.json"
  clean_project
  dotnet build "$proj/Bench.csproj" "${common[@]}" -p:BuildProjectReferences=false -p:BenchToolkit=stj \
    -p:EmitCompilerGeneratedFiles=true -p:CompilerGeneratedFilesOutputPath="$work/generated-stj" -v:q -clp:ErrorsOnly \
    > "$logs/warmup-stj.log" 2>&1 || { cat "$logs/warmup-stj.log"; exit 1; }
  python3 "$here/report.py" gensize "$work/generated-stj" System.Text.Json.SourceGeneration > "$work/gensize-stj.json"
fi

# Odd rounds run nobaseline, nocompat, docs, stj, all, none (those asked for); even rounds the reverse: each compared
# pair runs back to back, in turns first.
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r of $rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  order=()
  for v in nobaseline nocompat docs stj all none; do
    if [[ ",$variants," == *",$v,"* ]]; then order+=("$v"); fi
  done
  if ((r % 2 == 0)); then order=($(printf '%s\n' "${order[@]}" | tac)); fi
  for v in "${order[@]}"; do
    cp "$work/Contracts000.cs.orig" "$edit_file"
    clean_project
    timed_build "$r" "$v" full
    if [[ "$full_only" == false ]]; then
      add_member
      timed_build "$r" "$v" edit
    fi
    cp "$work/Contracts000.cs.orig" "$edit_file"
  done
done

python3 "$here/report.py" summary "$results" "$work/meta.json" "$work/gensize.json" "$work/gensize-stj.json" | tee "$work/summary.md"
echo
echo "total $(( $(date +%s) - started )) s; logs in $logs, table in $work/summary.md"
