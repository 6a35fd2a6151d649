# Sourced by scripts/start and scripts/test: Debian packages and the local
# services the portal and the tests use (Docker engine, OCI registry, QEMU
# binfmt, a throwaway PostgreSQL). All listen on loopback or a unix socket.

RUN_DIR="$REPO_ROOT/.run"
mkdir -p "$RUN_DIR"

is_root() { [ "$(id -u)" = 0 ]; }

# ensure_ports_free PORT... stops with the name of what listens on a port
# the portal needs (often a portal or test server left from an earlier start).
ensure_ports_free() {
  local port owner
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      owner=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
      [ -n "$owner" ] && owner=" by pid $owner: $(ps -o args= -p "$owner" 2>/dev/null | cut -c1-120)"
      die "port $port is already in use$owner. Is a portal from an earlier ./scripts/start still running? Stop it (Ctrl-C, or kill that process) and start again."
    fi
  done
}

# ensure_debian_packages CMD:PACKAGE ... installs each package whose command is missing.
ensure_debian_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    if [ ! -e "$cmd" ] && ! command -v "$cmd" >/dev/null 2>&1; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root; then
    log "Missing Debian packages: ${missing[*]} (run as root, or install them, to enable them)"
    return 0
  fi
  log "Installing Debian packages: ${missing[*]}"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$RUN_DIR/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed (see .run/apt.log)"
}

# Registers QEMU for foreign-architecture builds (linux/arm64, linux/s390x).
ensure_binfmt() {
  is_root || return 0
  [ -x /usr/bin/qemu-s390x-static ] || return 0
  if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || return 0
  fi
  command -v update-binfmts >/dev/null || return 0
  update-binfmts --enable qemu-s390x >/dev/null 2>&1 || true
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
}

# Starts the local Docker engine when none answers.
ensure_dockerd() {
  if docker info >/dev/null 2>&1; then return 0; fi
  if ! is_root || ! command -v dockerd >/dev/null; then
    log "No Docker engine answers and dockerd cannot be started here; builds will fail until one runs"
    return 0
  fi
  log "Starting the local Docker engine (log: .run/dockerd.log)"
  # vfs works on any filesystem; no iptables or bridge in this sandboxed setup.
  setsid dockerd --storage-driver=vfs --iptables=false --bridge=none \
    >"$RUN_DIR/dockerd.log" 2>&1 < /dev/null &
  local i
  for i in $(seq 1 80); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  die "dockerd did not become ready (see .run/dockerd.log)"
}

# Starts the local OCI registry on 127.0.0.1:$1 (default 5000) when none answers.
# With $2, a URL, and $3, a token, it sends Distribution's push notifications
# there (Authorization: Bearer $3); a registry of ours running without them is
# restarted with them (its data stays).
ensure_registry() {
  local port="${1:-5000}" notify_url="${2:-}" notify_token="${3:-}" dir="$RUN_DIR/registry"
  local config
  config="$(registry_config "$port" "$dir" "$notify_url" "$notify_token")"
  if curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
    # Another registry, or ours as wanted: keep it.
    if [ -z "$notify_url" ] || [ "$(cat "$dir/config.yml" 2>/dev/null)" = "$config" ] \
      || ! pgrep -f "docker-registry serve $dir/config.yml" >/dev/null; then
      return 0
    fi
    log "Restarting the local OCI registry to send push notifications to $notify_url"
    pkill -f "docker-registry serve $dir/config.yml" || true
    local i
    for i in $(seq 1 40); do
      curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 || break
      sleep 0.25
    done
  fi
  command -v docker-registry >/dev/null || { log "docker-registry is not installed; skipping the local registry"; return 0; }
  mkdir -p "$dir/data"
  printf '%s\n' "$config" >"$dir/config.yml"
  log "Starting the local OCI registry on 127.0.0.1:$port (log: .run/registry.log)"
  setsid docker-registry serve "$dir/config.yml" >"$RUN_DIR/registry.log" 2>&1 < /dev/null &
  local i
  for i in $(seq 1 40); do
    curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  die "the registry did not become ready (see .run/registry.log)"
}

# registry_config PORT DIR [NOTIFY_URL TOKEN]: the local registry's config.yml.
registry_config() {
  local port="$1" dir="$2" notify_url="${3:-}" notify_token="${4:-}"
  cat <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: image-factory-dev-only
YAML
  [ -n "$notify_url" ] || return 0
  cat <<YAML
notifications:
  endpoints:
    - name: image-factory
      url: $notify_url
      headers:
        Authorization: [Bearer $notify_token]
      timeout: 5s
      threshold: 3
      backoff: 5s
YAML
}

PG_BIN=/usr/lib/postgresql/15/bin

# Starts a throwaway PostgreSQL 15 on 127.0.0.1:$1 and exports the connection
# string Backstage's TestDatabases reads. stop_test_postgres stops it.
start_test_postgres() {
  local port="$1" dir="$RUN_DIR/test-postgres"
  [ -x "$PG_BIN/initdb" ] || { log "PostgreSQL 15 is not installed; tests run on SQLite only"; return 0; }
  stop_test_postgres
  rm -rf "$dir" && mkdir -p "$dir"
  local as=()
  # initdb refuses to run as root.
  if is_root; then chown postgres "$dir"; as=(runuser -u postgres --); fi
  "${as[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust >"$dir/initdb.log" 2>&1 \
    || die "initdb failed (see .run/test-postgres/initdb.log)"
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    || die "PostgreSQL did not start (see .run/test-postgres/server.log)"
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$port"
  TEST_PG_DIR="$dir"
}

stop_test_postgres() {
  local dir="$RUN_DIR/test-postgres"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  local as=()
  if is_root; then as=(runuser -u postgres --); fi
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
