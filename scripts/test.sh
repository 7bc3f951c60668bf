#!/usr/bin/env bash
# Runs every test of the repository: the README's test command, and what .ci/run calls.
# Kafka needs no service (librdkafka's mock cluster starts in-process); PostgreSQL does, so this script makes
# sure one is running on 127.0.0.1 (installing Debian's package when it is missing), unless
# MESSAGECONTRACTS_POSTGRES already names a server. RabbitMQ and Redis are started by scripts/brokers.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL: the store tests (tests/MessageContracts.Stores.Tests) and the PostgreSQL fault tests need a real server
# and fail, never skip,
# when it is unreachable. Skipped when MESSAGECONTRACTS_POSTGRES already names a server; idempotent otherwise.
echo "== PostgreSQL"
if [ -z "${MESSAGECONTRACTS_POSTGRES:-}" ]; then
  if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
  fi
  if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    pg_version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
    pg_createcluster "$pg_version" main
  fi
  # The first cluster listed: version, name, port, status.
  read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters -h | head -1)
  if [ "$pg_status" != "online" ]; then
    pg_ctlcluster "$pg_version" "$pg_cluster" start
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$pg_port" && break
    sleep 1
  done
  pg_isready -h 127.0.0.1 -p "$pg_port"
  # Password authentication over TCP on 127.0.0.1 (Debian's pg_hba.conf default) needs a password to check.
  runuser -u postgres -- psql -p "$pg_port" -q -c "ALTER USER postgres PASSWORD 'postgres'"
  export MESSAGECONTRACTS_POSTGRES="Host=127.0.0.1;Port=${pg_port};Username=postgres;Password=postgres;Database=postgres"
  echo "PostgreSQL ${pg_version}/${pg_cluster} on 127.0.0.1:${pg_port}"
fi

# RabbitMQ and Redis: the transport tests (tests/MessageContracts.RabbitMQ.Tests, tests/MessageContracts.Redis.Tests, and the
# behaviour suite's runs on those
# brokers in tests/MessageContracts.Behaviour.Tests, which also runs on the embedded Kafka) need real brokers and fail, never
# skip, when they are unreachable. scripts/brokers.sh installs Debian's packages where absent, starts each broker in the
# background on free ports (reusing one an earlier run started) and exports MESSAGECONTRACTS_RABBITMQ,
# MESSAGECONTRACTS_RABBITMQ_HTTP, MESSAGECONTRACTS_RABBITMQ_NODE and MESSAGECONTRACTS_REDIS; skipped for a broker whose
# variable already names a server.
echo "== RabbitMQ and Redis"
# shellcheck source=scripts/brokers.sh
. scripts/brokers.sh

# Node.js and npm: the AsyncAPI and JSON Schema tests (tests/MessageContracts.Generators.Tests/Documents) install the
# official validators with npm and fail, never skip, without them.
echo "== Node.js"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing Node.js and npm from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q nodejs npm
fi
node --version

# clang and zlib: NativeAOT links the native worker sample (samples/NativeWorker) with them; without them the
# publish below fails, never skips.
echo "== NativeAOT toolchain"
if ! { command -v clang >/dev/null 2>&1 || compgen -G "/usr/bin/clang-[0-9]*" >/dev/null; } || [ ! -f /usr/include/zlib.h ]; then
  echo "installing clang and zlib1g-dev from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q clang zlib1g-dev
fi

echo "== dotnet test"
log="$(mktemp)"
status=0
dotnet test MessageContracts.sln 2>&1 | tee "$log" || status=$?

# A smoke run of the end-to-end benchmark's quick mode (raw Confluent.Kafka and the toolkit, 10,000 messages): it fails
# when a message is not handled. Its figures are one noisy round and are not checked here (docs/benchmarks.md).
echo "== benchmark smoke: benchmarks/EndToEnd/run.sh --quick --contenders a,b --no-alloc"
if ! bash benchmarks/EndToEnd/run.sh --quick --contenders a,b --no-alloc; then
  echo "Failed! - the end-to-end benchmark smoke run did not complete"
  status=1
fi

# The README's sample, on its embedded defaults and over the RabbitMQ and Redis servers started above: each exits 0 only when every
# check of its summary holds.
for transport in kafka rabbitmq redis; do
  echo "== sample: dotnet run --project samples/OrderFlow -- --transport $transport"
  if dotnet run --project samples/OrderFlow -- --transport "$transport"; then
    echo "Passed! - OrderFlow over $transport: every check holds"
  else
    echo "Failed! - OrderFlow over $transport: a check did not hold"
    status=1
  fi
done

# The worker sample published as a NativeAOT executable and run on the embedded Kafka: it exits 0 only when every event
# it published was handled once. The package's build targets are what make Confluent.Kafka work in it.
echo "== native worker: dotnet publish samples/NativeWorker (NativeAOT), then run it"
native_out="$(mktemp -d)"
if dotnet publish samples/NativeWorker -c Release -r linux-x64 -o "$native_out" >"$native_out.log" 2>&1; then
  # On the cluster KAFKA_BOOTSTRAP_SERVERS names when set (docs/production.md), on the embedded Kafka otherwise.
  if "$native_out/NativeWorker" --messages 200 ${KAFKA_BOOTSTRAP_SERVERS:+--bootstrap-servers "$KAFKA_BOOTSTRAP_SERVERS"}; then
    echo "Passed! - the native worker handled its events"
  else
    echo "Failed! - the native worker did not handle its events"
    status=1
  fi
else
  cat "$native_out.log"
  echo "Failed! - the native worker did not publish"
  status=1
fi
rm -rf "$native_out" "$native_out.log"

# One closing line for the whole run, summed over the test projects' own summaries.
awk '/^(Passed|Failed)! +- +Failed: /{
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
