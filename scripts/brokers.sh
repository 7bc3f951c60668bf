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
#   MESSAGECONTRACTS_RABBITMQ_RESTART, _RESTART_HTTP, _RESTART_NODE, _RESTART_DIR
#                                   the same for a second node that only the restart tests use: they stop and start
#                                   it, which would break every other test on the shared node (test projects run in
#                                   parallel); they restart it with `bash scripts/brokers.sh stop-node|start-node
#                                   "$MESSAGECONTRACTS_RABBITMQ_RESTART_DIR"`
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

# One node name per folder: a second folder (MESSAGECONTRACTS_BROKERS_DIR) gets a node of its own, never the first one's.
mc_rabbitmq_node_name() {
  if [ "$mc_brokers_dir" = /var/tmp/messagecontracts-brokers ]; then
    mc_rabbitmq_node="messagecontracts@localhost"
  else
    mc_rabbitmq_node="messagecontracts-$(printf %s "$mc_brokers_dir" | cksum | cut -d' ' -f1)@localhost"
  fi
}

# Lets the rabbitmq user open as many files as the hard limit allows. The Debian launcher starts the node through
# `su rabbitmq`, whose PAM session (pam_limits) sets the limits afresh, so raising this shell's limit is not enough:
# the entry goes into /etc/security/limits.d, read by that session.
mc_raise_open_files() {
  local hard file=/etc/security/limits.d/messagecontracts-rabbitmq.conf
  hard=$(ulimit -Hn)
  [ "$hard" = unlimited ] && hard=65536
  if [ -w /etc/security/limits.d ] && ! grep -qs "nofile $hard" "$file"; then
    printf 'rabbitmq soft nofile %s\nrabbitmq hard nofile %s\n' "$hard" "$hard" > "$file"
  fi
  ulimit -n "$hard" 2>/dev/null || true
}

# Starts rabbitmq-server for the node whose environment is set (mc_rabbitmq_environment) in the background, and
# returns once it has booted.
mc_launch_rabbitmq() {
  local dir="$1" wrapper
  # Every descriptor of the background process redirected (exec: no shell left holding the caller's output open), so
  # a caller that reads this script's output to its end is not kept waiting by the server.
  # The open-file limit raised to the hard limit first: RabbitMQ 3.10's file handle cache budgets every queue's,
  # message store's and socket's handle from it, and at the usual soft limit of 1,024 (a budget of 927) a node that has
  # served a few dozen test virtual hosts runs out: creating a virtual host and accepting a connection then wait
  # forever for a handle (seen: total_used 1002 of 927, every new vhost stuck in rabbit_vhost:recover).
  (cd "$dir" && mc_raise_open_files && exec setsid nohup rabbitmq-server {mc_brokers_lock}>&-) > "$dir/server.out" 2>&1 < /dev/null &
  echo $! > "$dir/wrapper.pid"

  # Ready in two observed steps, as each rabbitmqctl call costs seconds of CLI start-up: first the Erlang
  # distribution port listens (the node is up and the CLI can reach it), then await_startup returns once the
  # broker's application has booted. A server that exits on the way says why in its output.
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
}

mc_start_rabbitmq() {
  local dir="$mc_brokers_dir/rabbitmq" started_at
  started_at=$(date +%s.%N)
  mc_rabbitmq_node_name

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
    mc_launch_rabbitmq "$dir"

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
    MESSAGECONTRACTS_RABBITMQ_RESTART_NODE "$MESSAGECONTRACTS_RABBITMQ_NODE" MESSAGECONTRACTS_RABBITMQ_RESTART_DIR "$mc_brokers_dir" > "$1"
}

# `bash scripts/brokers.sh stop-node|start-node <folder>`: stops the whole node of that folder (the Erlang VM), or
# starts it again with the same ports and data: a real broker restart, as the restart tests need. (rabbitmqctl
# stop_app / start_app is not one: on 3.10.8, after start_app the at-least-once dead-letter supervisor,
# rabbit_fifo_dlx_sup, is not running, and every quorum queue with x-dead-letter-strategy = at-least-once fails to
# start, new or recovered.)
mc_node_control() {
  local action="$1"
  mc_brokers_dir="$2"
  local dir="$mc_brokers_dir/rabbitmq"
  read -r mc_rabbitmq_port mc_rabbitmq_dist_port mc_rabbitmq_http_port < "$dir/ports"
  mc_rabbitmq_node_name
  mc_rabbitmq_environment "$dir"
  # The start below closes the brokers' lock in the server it launches: hold it, as mc_start_brokers does.
  exec {mc_brokers_lock}>"$mc_brokers_dir/.lock"
  case "$action" in
    stop-node)
      # With the pid file, stop returns once the VM has exited.
      mc_rabbitmqctl stop "$dir/rabbitmq.pid"
      ;;
    start-node)
      mc_launch_rabbitmq "$dir"
      mc_wait_for_management mc:mc
      ;;
  esac
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

if [ "${BASH_SOURCE[0]}" = "$0" ] && { [ "${1:-}" = stop-node ] || [ "${1:-}" = start-node ]; }; then
  set -euo pipefail
  mc_node_control "$1" "$2"
elif [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run directly: start them, then print the exports (the progress went to stderr).
  set -euo pipefail
  mc_start_brokers >&2
  declare -p MESSAGECONTRACTS_RABBITMQ MESSAGECONTRACTS_RABBITMQ_HTTP MESSAGECONTRACTS_RABBITMQ_NODE \
    MESSAGECONTRACTS_RABBITMQ_RESTART MESSAGECONTRACTS_RABBITMQ_RESTART_HTTP MESSAGECONTRACTS_RABBITMQ_RESTART_NODE \
    MESSAGECONTRACTS_RABBITMQ_RESTART_DIR MESSAGECONTRACTS_REDIS | sed 's/^declare -x /export /'
else
  mc_start_brokers
fi
