#!/usr/bin/env bash
# Where the CloudEvents headers' cost goes (issue 12): raw Confluent.Kafka produce + consume on the embedded Kafka
# with no headers, the six binary-mode headers, one header of the same bytes, and structured mode; CPU per message
# split by thread (Produce/Consume call, librdkafka client, mock broker, other), medians over alternating rounds.
#
#   benchmarks/Headers/run.sh                     50,000 messages, 5 rounds (about 5 min on 2 loaded cores, build excluded)
#   benchmarks/Headers/run.sh --messages 10000 --rounds 1 --threads     a smoke run, listing the thread names
#
# Builds Release into benchmarks/Headers/work/ (git-ignored) and writes the output to work/summary.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$here/work"
mkdir -p "$work"
echo "== build (Release)"
dotnet build "$here/Headers.csproj" -c Release --artifacts-path "$work/artifacts" -nologo -v:q -clp:ErrorsOnly
echo "== run: $*"
(cd "$work" && dotnet "$work/artifacts/bin/Headers/release/Headers.dll" "$@") | tee "$work/summary.md"
