#!/usr/bin/env bash
# End-to-end benchmark on the embedded Kafka (issues 7 and 12): messages/s and publish-to-handle latency p50/p99 of
#   a-raw           raw Confluent.Kafka, byte[] payloads, System.Text.Json source generation (the baseline)
#   a2-raw-headers  the same plus the toolkit's six CloudEvents headers (the reference every ratio is also given against)
#   b-inmemory      the generated IEventPublisher<T> and an IMessageHandler<T>, in-memory dedup
#   c-sqlite        the toolkit's defaults: only the bootstrap servers set, no store, so SQLite dedup at its default path
#                   (SqliteDeduplicationStore.DefaultPath of the default group; the file is deleted before and after)
#   d-postgresql    the same with the PostgreSQL dedup store (skipped, with a message, if MESSAGECONTRACTS_POSTGRES is unset)
#   e-outbox        through the SQLite outbox (one transaction per message) and its relay, in-memory dedup
# in one process, the contenders alternated over rounds (a fresh embedded cluster per run), every figure also as a
# ratio to a-raw and to a2-raw-headers of the same round; then bytes allocated per message on the publish and consume
# paths of every contender but e, with the publish-alone rate, each against a2.
#
#   benchmarks/EndToEnd/run.sh                 100,000 messages, 3 rounds (about 7 min on 2 cores under load)
#   benchmarks/EndToEnd/run.sh --quick         10,000 messages, 1 round (under a minute, build excluded)
#   benchmarks/EndToEnd/run.sh --paced 2000    latency at a fixed 2,000 msg/s (10 s of messages unless --messages),
#                                              p50/p99 with differences and ratios to raw; no allocation run, no e
#   other options go to the harness: --messages N, --rounds N, --window N, --partitions N, --contenders a,b,...,
#   --no-alloc, --alloc-messages N, --alloc-rounds N, --alloc-only, --timeout SECONDS (see Program.cs)
#
# Builds Release into benchmarks/EndToEnd/work/ (git-ignored, --artifacts-path) and writes the output to
# work/summary.md; the outbox's SQLite files go to work/sqlite/ and are deleted after each run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$here/work"
mkdir -p "$work"
echo "== build (Release)"
dotnet build "$here/EndToEnd.csproj" -c Release --artifacts-path "$work/artifacts" -nologo -v:q -clp:ErrorsOnly
echo "== run: $*"
started=$(date +%s)
status=0
(cd "$work" && dotnet "$work/artifacts/bin/EndToEnd/release/EndToEnd.dll" --work "$work/sqlite" "$@") | tee "$work/summary.md" || status=$?
echo "run took $(( $(date +%s) - started )) s"
exit "$status"
