#!/usr/bin/env bash
# Serializer benchmark (issue 7, item 1): the generated serializer (T.Serialize / T.Deserialize, the static abstract
# members of IMessageContract<T>) against System.Text.Json reflection and System.Text.Json source generation, for a
# small (5 members) and a large (nested parts, lists, a dictionary) contract; time and bytes allocated per operation.
# Every serializer writes to one reused ArrayBufferWriter<byte> through one reused Utf8JsonWriter (Reset per operation).
#
#   benchmarks/Serialization/run.sh            side-by-side ratios (21 alternating rounds), then BenchmarkDotNet
#                                              with its default job (about 8 min on 2 cores under load)
#   benchmarks/Serialization/run.sh --quick    side-by-side ratios (7 rounds) and BenchmarkDotNet with 3 warm-up and
#                                              5 measured iterations (about 2 min)
#   options: --rounds N (side-by-side rounds), --no-bdn (side-by-side only); other options go to BenchmarkDotNet
#
# Builds Release into benchmarks/Serialization/work/ (git-ignored, --artifacts-path, so builds of src/ elsewhere on the
# machine are not disturbed) and writes the output there: alternate.md and BenchmarkDotNet.Artifacts/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$here/work"
quick=false
bdn=true
rounds=21
bdn_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=true; rounds=7 ;;
    --rounds) rounds="$2"; shift ;;
    --no-bdn) bdn=false ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) bdn_args+=("$1") ;;
  esac
  shift
done

mkdir -p "$work"
echo "== build (Release)"
dotnet build "$here/Serialization.csproj" -c Release --artifacts-path "$work/artifacts" -nologo -v:q -clp:ErrorsOnly
dll="$work/artifacts/bin/Serialization/release/Serialization.dll"

echo "== side by side, $rounds rounds"
(cd "$work" && dotnet "$dll" --alternate --rounds "$rounds") | tee "$work/alternate.md"

if [[ "$bdn" == true ]]; then
  echo "== BenchmarkDotNet"
  if [[ "$quick" == true ]]; then bdn_args+=(--quick); fi
  (cd "$work" && dotnet "$dll" "${bdn_args[@]}")
fi
