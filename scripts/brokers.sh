#!/usr/bin/env bash
# Starts the real brokers the transport tests use: RabbitMQ (tests/MessageContracts.RabbitMQ.Tests) and Redis, each
# from Debian's packages (installed with apt-get when missing), in the background, on free ports, with throw-away
# data under one folder (MESSAGECONTRACTS_BROKERS_DIR, default /var/tmp/messagecontracts-brokers). No service manager
# runs on these machines, so nothing else starts them.
#
# Sourced by scripts/test.sh, it exports:
#   MESSAGECONTRACTS_RABBITMQ       amqp://mc:mc@127.0.0.1:<port>/   (an administrator; tests make their own vhosts)
#   MESSAGECONTRACTS_RABBITMQ_HTTP  http://127.0.0.1:<port>/          (the management API, same credentials)
#   MESSAGECONTRACTS_RABBITMQ_NODE  the Erlang node name, for rabbitmqctl -n
#   MESSAGECONTRACTS_RABBITMQ_RESTART, _RESTART_HTTP, _RESTART_NODE
#                                   the same for a second node that only the restart tests use: they stop and start
#                                   it, which would break every other test on the shared node (test projects run in
#                                   parallel)
#   MESSAGECONTRACTS_REDIS          127.0.0.1:<port>                  (a StackExchange.Redis configuration string)
# Run directly (bash scripts/brokers.sh), it prints those exports for `eval "$(bash scripts/brokers.sh)"`.
#
# Each broker is skipped when its variable is already set (a server of your own), and reused when it already runs
# from an earlier call (the folder keeps its ports): calling this twice starts nothing twice. To start over:
#   rabbitmqctl -n "$MESSAGECONTRACTS_RABBITMQ_NODE" stop; redis-cli -p <port> shutdown; rm -rf <folder>
# Pitfalls (/work/shared/docs/BROKERS.md): rabbitmq-server run as root switches to the `rabbitmq` user, so its
# folders belong to that user and every parent is readable by it; a private mktemp -d folder does not work.

mc_brokers_dir="${MESSAGECONTRACTS_BROKERS_DIR:-/var/tmp/messagecontracts-brokers}"

# Whether something listens on 127.0.0.1:$1 (ss where iproute2 is installed, a connection attempt otherwise).
mc_listening() {
  if command -v ss >/dev/null 2>&1; then
    ss -Htln "sport = :$1" | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# A TCP port nothing listens on, from a range clear of the usual services and of the ephemeral range.
mc_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! mc_listening "$port"; then
      echo "$port"
      return
    fi
  done
}

mc_install_brokers() {
  local missing=()
  command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    # Another session may hold apt's lock: wait for it rather than fail.
    apt-get -o DPkg::Lock::Timeout=600 update -q
    apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}"
  fi
}

# The node's environment: rabbitmq-server, rabbitmq-plugins and rabbitmqctl all read it (su keeps it when the Debian
# wrapper switches to the rabbitmq user).
mc_rabbitmq_environment() {
  local dir="$1"
  export RABBITMQ_NODENAME="$mc_rabbitmq_node"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$mc_rabbitmq_port"
  export RABBITMQ_DIST_PORT="$mc_rabbitmq_dist_port"
  export RABBITMQ_MNESIA_BASE="$dir/mnesia"
  export RABBITMQ_LOG_BASE="$dir/log"
  export RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export ERL_CRASH_DUMP="$dir/erl_crash.dump"
}

mc_rabbitmqctl() {
  rabbitmqctl -n "$mc_rabbitmq_node" -q "$@"
}

# The management API answers (it starts after the broker's core): the tests call it first.
mc_wait_for_management() {
  local credentials="$1"
  for _ in $(seq 1 100); do
    curl -fsS -u "$credentials" "http://127.0.0.1:$mc_rabbitmq_http_port/api/overview" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "RabbitMQ's management API did not answer on 127.0.0.1:$mc_rabbitmq_http_port"
  return 1
}

mc_start_rabbitmq() {
  local dir="$mc_brokers_dir/rabbitmq" started_at
  started_at=$(date +%s.%N)
  # One node name per folder: a second folder (MESSAGECONTRACTS_BROKERS_DIR) gets a node of its own, never the first one's.
  if [ "$mc_brokers_dir" = /var/tmp/messagecontracts-brokers ]; then
    mc_rabbitmq_node="messagecontracts@localhost"
  else
    mc_rabbitmq_node="messagecontracts-$(printf %s "$mc_brokers_dir" | cksum | cut -d' ' -f1)@localhost"
  fi

  # The folder and every parent readable by the rabbitmq user; the folder its own.
  mkdir -p "$dir"
  chmod 755 "$mc_brokers_dir"
  chown rabbitmq:rabbitmq "$dir"

  # Reuse a node an earlier call started: the ports are in its state file.
  if [ -f "$dir/ports" ]; then
    read -r mc_rabbitmq_port mc_rabbitmq_dist_port mc_rabbitmq_http_port < "$dir/ports"
    mc_rabbitmq_environment "$dir"
    if curl -fsS -u mc:mc "http://127.0.0.1:$mc_rabbitmq_http_port/api/overview" >/dev/null 2>&1; then
      echo "RabbitMQ node $mc_rabbitmq_node already running on 127.0.0.1:$mc_rabbitmq_port"
    else
      # A stale folder (a killed node, a rebooted machine): its data is throw-away, start afresh.
      mc_rabbitmqctl stop >/dev/null 2>&1 || true
      find "$dir" -mindepth 1 -delete
    fi
  fi

  if [ ! -f "$dir/ports" ]; then
    mc_rabbitmq_port=$(mc_free_port)
    mc_rabbitmq_dist_port=$(mc_free_port)
    mc_rabbitmq_http_port=$(mc_free_port)
    mc_rabbitmq_environment "$dir"
    cat > "$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$mc_rabbitmq_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $mc_rabbitmq_http_port
# Stated rather than left to a default: below it the broker blocks every publisher (a disk alarm).
disk_free_limit.absolute = 50MB
EOF
    rabbitmq-plugins --offline enable rabbitmq_management rabbitmq_consistent_hash_exchange >/dev/null
    chown -R rabbitmq:rabbitmq "$dir"

    echo "starting RabbitMQ node $mc_rabbitmq_node on 127.0.0.1:$mc_rabbitmq_port (management :$mc_rabbitmq_http_port) in $dir"
    (cd "$dir" && setsid nohup rabbitmq-server > "$dir/server.out" 2>&1 < /dev/null {mc_brokers_lock}>&- & echo $! > "$dir/wrapper.pid")

    # Ready in two observed steps, as each rabbitmqctl call costs seconds of CLI start-up: first the Erlang
    # distribution port listens (the node is up and the CLI can reach it), then await_startup returns once the
    # broker's application has booted. A server that exits on the way says why in its output.
    local wrapper
    wrapper=$(cat "$dir/wrapper.pid")
    until mc_listening "$mc_rabbitmq_dist_port"; do
      if ! kill -0 "$wrapper" 2>/dev/null; then
        echo "RabbitMQ exited while starting; its output ($dir/server.out):"
        tail -40 "$dir/server.out"
        return 1
      fi
      sleep 0.2
    done
    if ! mc_rabbitmqctl await_startup --timeout 120 >/dev/null; then
      echo "RabbitMQ did not finish starting; its output ($dir/server.out):"
      tail -40 "$dir/server.out"
      return 1
    fi

    # An administrator for the tests (they create virtual hosts), made through the management API as guest, who may
    # connect from localhost: quicker than three more rabbitmqctl calls.
    mc_wait_for_management guest:guest
    curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' \
      -d '{"password":"mc","tags":"administrator"}' "http://127.0.0.1:$mc_rabbitmq_http_port/api/users/mc"
    curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' \
      -d '{"configure":".*","write":".*","read":".*"}' "http://127.0.0.1:$mc_rabbitmq_http_port/api/permissions/%2F/mc"
    echo "$mc_rabbitmq_port $mc_rabbitmq_dist_port $mc_rabbitmq_http_port" > "$dir/ports"
  fi

  mc_wait_for_management mc:mc
  export MESSAGECONTRACTS_RABBITMQ="amqp://mc:mc@127.0.0.1:$mc_rabbitmq_port/"
  export MESSAGECONTRACTS_RABBITMQ_HTTP="http://127.0.0.1:$mc_rabbitmq_http_port/"
  export MESSAGECONTRACTS_RABBITMQ_NODE="$mc_rabbitmq_node"
  echo "RabbitMQ ready: $MESSAGECONTRACTS_RABBITMQ ($(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $started_at }") s)"
}

mc_start_redis() {
  local dir="$mc_brokers_dir/redis" port=""
  mkdir -p "$dir"
  if [ -f "$dir/port" ]; then
    port=$(cat "$dir/port")
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; then
      echo "Redis already running on 127.0.0.1:$port"
    else
      port=""
    fi
  fi
  if [ -z "$port" ]; then
    port=$(mc_free_port)
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" {mc_brokers_lock}>&-
    for _ in $(seq 1 60); do
      [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ] && break
      sleep 0.2
    done
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" != "PONG" ]; then
      echo "Redis did not start; its log ($dir/redis.log):"
      tail -20 "$dir/redis.log"
      return 1
    fi
    echo "$port" > "$dir/port"
    echo "Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') ready on 127.0.0.1:$port"
  fi
  export MESSAGECONTRACTS_REDIS="127.0.0.1:$port"
}

# Runs "$@" in a subshell with errexit on, and returns its status. Not called in an `||` or `if` context: bash
# ignores errexit inside such a context, even where a subshell sets it again.
mc_checked() {
  local errexit="" status
  [[ $- == *e* ]] && errexit=yes
  set +e
  ( set -euo pipefail; "$@" )
  status=$?
  [ -n "$errexit" ] && set -e
  return "$status"
}

# In a subshell (mc_checked): the node's RABBITMQ_* settings stay out of the caller's environment; only the addresses
# come back, through a file written last.
mc_start_rabbitmq_into() {
  mc_start_rabbitmq
  printf 'export %s=%q\n' MESSAGECONTRACTS_RABBITMQ "$MESSAGECONTRACTS_RABBITMQ" MESSAGECONTRACTS_RABBITMQ_HTTP "$MESSAGECONTRACTS_RABBITMQ_HTTP" \
    MESSAGECONTRACTS_RABBITMQ_NODE "$MESSAGECONTRACTS_RABBITMQ_NODE" > "$1"
}

# The restart tests' node: the same start in a folder of its own (so a node name and ports of its own).
mc_start_restart_rabbitmq_into() {
  mc_brokers_dir="$mc_brokers_dir-restart"
  mkdir -p "$mc_brokers_dir"
  mc_start_rabbitmq
  printf 'export %s=%q\n' MESSAGECONTRACTS_RABBITMQ_RESTART "$MESSAGECONTRACTS_RABBITMQ" MESSAGECONTRACTS_RABBITMQ_RESTART_HTTP "$MESSAGECONTRACTS_RABBITMQ_HTTP" \
    MESSAGECONTRACTS_RABBITMQ_RESTART_NODE "$MESSAGECONTRACTS_RABBITMQ_NODE" > "$1"
}

mc_start_redis_into() {
  mc_start_redis
  printf 'export %s=%q\n' MESSAGECONTRACTS_REDIS "$MESSAGECONTRACTS_REDIS" > "$1"
}

mc_start_brokers() {
  if [ -n "${MESSAGECONTRACTS_RABBITMQ:-}" ] && [ -n "${MESSAGECONTRACTS_RABBITMQ_RESTART:-}" ] && [ -n "${MESSAGECONTRACTS_REDIS:-}" ]; then
    echo "using RabbitMQ at $MESSAGECONTRACTS_RABBITMQ (restart tests: $MESSAGECONTRACTS_RABBITMQ_RESTART) and Redis at $MESSAGECONTRACTS_REDIS"
    return
  fi
  mc_install_brokers
  mkdir -p "$mc_brokers_dir"
  # One caller at a time starts them: two test runs at once share the brokers instead of racing for the folder.
  exec {mc_brokers_lock}>"$mc_brokers_dir/.lock"
  flock "$mc_brokers_lock"
  local exports="$mc_brokers_dir/.exports"
  if [ -z "${MESSAGECONTRACTS_RABBITMQ:-}" ]; then
    rm -f "$exports"
    mc_checked mc_start_rabbitmq_into "$exports"
    [ -f "$exports" ] && . "$exports"
  fi
  if [ -z "${MESSAGECONTRACTS_RABBITMQ_RESTART:-}" ]; then
    rm -f "$exports"
    mc_checked mc_start_restart_rabbitmq_into "$exports"
    [ -f "$exports" ] && . "$exports"
  fi
  if [ -z "${MESSAGECONTRACTS_REDIS:-}" ]; then
    rm -f "$exports"
    mc_checked mc_start_redis_into "$exports"
    [ -f "$exports" ] && . "$exports"
  fi
  rm -f "$exports"
  flock -u "$mc_brokers_lock"
  exec {mc_brokers_lock}>&-
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run directly: start them, then print the exports (the progress went to stderr).
  set -euo pipefail
  mc_start_brokers >&2
  declare -p MESSAGECONTRACTS_RABBITMQ MESSAGECONTRACTS_RABBITMQ_HTTP MESSAGECONTRACTS_RABBITMQ_NODE \
    MESSAGECONTRACTS_RABBITMQ_RESTART MESSAGECONTRACTS_RABBITMQ_RESTART_HTTP MESSAGECONTRACTS_RABBITMQ_RESTART_NODE MESSAGECONTRACTS_REDIS | sed 's/^declare -x /export /'
else
  mc_start_brokers
fi
