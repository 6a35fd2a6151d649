# Sourced by scripts/start: the upstream Python index of the example wheel
# sets (examples/wheels.yaml). There is no PyPI here, so the portal's
# refinery reads a local PEP 503 index on http://127.0.0.1:7011/simple/
# holding real upstream sdists (Debian's .orig tarballs, see
# ensure_test_sdists) and one pure-Python wheel, pycparser's, made from
# Debian's python3-pycparser in the amd64 builder: what a plan skips
# because "upstream has a wheel".

DEMO_UPSTREAM_DIR="$TOOLS_DIR/upstream"

# ensure_wheel_from_deb DEB PACKAGE REQUIRES: a pure-Python wheel of the
# Debian package DEB's dist-packages/PACKAGE, requiring REQUIRES, built in the
# amd64 builder into .tools/upstream/files (once).
ensure_wheel_from_deb() {
  local deb_name="$1" package="$2" requires="$3" files="$DEMO_UPSTREAM_DIR/files" work deb version
  ls "$files/$package"-*.whl >/dev/null 2>&1 && return 0
  work="$(mktemp -d "${TMPDIR:-/tmp}/demo-upstream.XXXX")"
  chmod 755 "$work"
  (cd "$work" && apt-get download "$deb_name" >/dev/null 2>&1) \
    || die "could not download $deb_name from the Debian mirror"
  deb="$(ls "$work/${deb_name}"_*.deb)"
  version="$(dpkg-deb -f "$deb" Version | sed 's/-[^-]*$//')"
  dpkg-deb -x "$deb" "$work/root"
  mkdir -p "$work/src" "$work/out"
  cp -r "$work/root/usr/lib/python3/dist-packages/$package" "$work/src/"
  cat >"$work/src/setup.py" <<SETUP
from setuptools import find_packages, setup
setup(name="$package", version="$version", packages=find_packages(),
      install_requires=[r for r in "$requires".split() if r],
      description="$package from Debian's $deb_name, as an upstream wheel for the example wheel sets")
SETUP
  docker run --rm --network none -v "$work:/w" "$WHEEL_BUILDER_REPO:$WHEEL_BUILDER_SUITE-amd64" \
    sh -c 'cd /w/src && python3 -m pip wheel -q --no-deps --no-build-isolation --no-index -w /w/out . && chmod -R a+rwX /w' \
    >"$RUN_DIR/demo-upstream-$package.log" 2>&1 \
    || die "building the $package wheel failed (see .run/demo-upstream-$package.log)"
  cp "$work"/out/"$package"-*.whl "$files/"
  rm -rf "$work"
}

# ensure_demo_upstream: .tools/upstream/{files,simple}; needs the amd64 builder.
ensure_demo_upstream() {
  local files="$DEMO_UPSTREAM_DIR/files" name
  mkdir -p "$files"
  ensure_test_sdists
  cp -n "$TOOLS_DIR"/sdists/*.tar.gz "$files/"
  # cffi needs pycparser, which (as Debian unbundles it) needs ply.
  ensure_wheel_from_deb python3-ply ply ""
  ensure_wheel_from_deb python3-pycparser pycparser "ply"
  # The project pages: one link per file with its sha256, as PEP 503 says.
  rm -rf "$DEMO_UPSTREAM_DIR/simple"
  mkdir -p "$DEMO_UPSTREAM_DIR/simple"
  local file project links
  for file in "$files"/*; do
    name="$(basename "$file")"
    project="$(echo "${name%%-[0-9]*}" | tr 'A-Z_.' 'a-z--')"
    mkdir -p "$DEMO_UPSTREAM_DIR/simple/$project"
    echo "<a href=\"../../files/$name#sha256=$(sha256sum "$file" | cut -d' ' -f1)\">$name</a><br>" \
      >>"$DEMO_UPSTREAM_DIR/simple/$project/index.html"
  done
  links="$(ls "$DEMO_UPSTREAM_DIR/simple" | sed 's|.*|<a href="&/">&</a><br>|')"
  printf '<!DOCTYPE html>\n<html><body>\n%s\n</body></html>\n' "$links" >"$DEMO_UPSTREAM_DIR/simple/index.html"
}

# start_demo_upstream PORT: serves .tools/upstream on 127.0.0.1:PORT in the background.
start_demo_upstream() {
  mkdir -p "$DEMO_UPSTREAM_DIR"
  setsid python3 -m http.server "$1" --bind 127.0.0.1 --directory "$DEMO_UPSTREAM_DIR" \
    >"$RUN_DIR/demo-upstream.log" 2>&1 &
}
