# Sourced by scripts/start: the upstream image the examples are built FROM.
# There is no Docker Hub here, so the BusyBox image that examples/images.yaml
# calls `busybox-upstream` is made from Debian's busybox-static for each
# platform and pushed to the local registry as one multi-platform index.

EXAMPLE_UPSTREAM_REPO=upstream/busybox
EXAMPLE_UPSTREAM_TAG=1.35
EXAMPLE_PLATFORMS=(amd64 arm64 s390x)
INDEX_ACCEPT='application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.list.v2+json'

# debian_package_for_each_arch PACKAGE DIR: downloads PACKAGE's .deb for every
# platform into DIR (once; foreign architectures are removed from dpkg again).
debian_package_for_each_arch() {
  local package="$1" dir="$2" arch missing=()
  mkdir -p "$dir"
  for arch in "${EXAMPLE_PLATFORMS[@]}"; do
    compgen -G "$dir/${package}_*_${arch}.deb" >/dev/null || missing+=("$arch")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  is_root || die "downloading $package for ${missing[*]} needs root (apt-get)"
  local native added=()
  native="$(dpkg --print-architecture)"
  for arch in "${missing[@]}"; do
    if [ "$arch" != "$native" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
      dpkg --add-architecture "$arch"
      added+=("$arch")
    fi
  done
  [ ${#added[@]} -gt 0 ] && { apt-get update -qq >/dev/null || die "apt-get update failed"; }
  for arch in "${missing[@]}"; do
    (cd "$dir" && apt-get download -qq "$package:$arch" >>"$RUN_DIR/apt.log" 2>&1) \
      || die "apt-get download $package:$arch failed (see .run/apt.log)"
  done
  for arch in "${added[@]}"; do dpkg --remove-architecture "$arch" || true; done
}

# Makes localhost:$1/upstream/busybox:1.35 (linux/amd64, arm64, s390x) unless
# the registry already holds it.
ensure_example_upstream_image() {
  local port="${1:-5000}"
  local ref="localhost:$port/$EXAMPLE_UPSTREAM_REPO:$EXAMPLE_UPSTREAM_TAG"
  if curl -fsS -o /dev/null -H "Accept: $INDEX_ACCEPT" \
    "http://127.0.0.1:$port/v2/$EXAMPLE_UPSTREAM_REPO/manifests/$EXAMPLE_UPSTREAM_TAG" 2>/dev/null; then
    return 0
  fi
  docker info >/dev/null 2>&1 || { log "No Docker engine: the example images cannot be made"; return 0; }
  # Debian's docker CLI has the engine's built-in BuildKit (the newer one in
  # /usr/local/bin has no buildx); BuildKit records the platform it built.
  local docker_cli=/usr/bin/docker
  [ -x "$docker_cli" ] || docker_cli="$(command -v docker)"
  log "Making the example upstream image $ref from Debian's busybox-static (once)"
  local debs="$TOOLS_DIR/debs" work arch deb sources=()
  debian_package_for_each_arch busybox-static "$debs"
  work="$(mktemp -d)"
  for arch in "${EXAMPLE_PLATFORMS[@]}"; do
    deb="$(compgen -G "$debs/busybox-static_*_${arch}.deb" | head -1)"
    mkdir -p "$work/$arch/pkg"
    dpkg -x "$deb" "$work/$arch/pkg"
    cp "$work/$arch/pkg/bin/busybox" "$work/$arch/busybox"
    # The RUN step is real $arch code, run through QEMU for arm64 and s390x.
    cat >"$work/$arch/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
CMD ["/bin/sh"]
DOCKERFILE
    DOCKER_BUILDKIT=1 "$docker_cli" build -q --network none --platform "linux/$arch" \
      -t "$ref-$arch" "$work/$arch" >>"$RUN_DIR/examples.log" 2>&1 \
      || die "building the $arch example base failed (see .run/examples.log)"
    docker push -q "$ref-$arch" >>"$RUN_DIR/examples.log" 2>&1 \
      || die "pushing $ref-$arch failed (see .run/examples.log)"
    sources+=("$ref-$arch")
  done
  rm -rf "$work"
  docker manifest rm "$ref" >/dev/null 2>&1 || true
  docker manifest create --insecure "$ref" "${sources[@]}" >>"$RUN_DIR/examples.log" 2>&1 \
    && docker manifest push --insecure --purge "$ref" >>"$RUN_DIR/examples.log" 2>&1 \
    || die "pushing the index $ref failed (see .run/examples.log)"
}
