# Sourced by scripts/test: the refinery's builder images. There is no Docker
# Hub here, so a builder is a minimal Debian rootfs made with debootstrap
# from the Debian mirror (python3, its headers, pip, wheel, setuptools, gcc),
# built into an image FROM scratch once and kept in the engine.
# Foreign architectures are made with --foreign and finished through QEMU.

WHEEL_BUILDER_REPO=image-factory/wheel-builder
WHEEL_BUILDER_SUITE=bookworm
WHEEL_BUILDER_PACKAGES=python3,python3-dev,python3-pip,python3-setuptools,python3-wheel,gcc,libc6-dev

# ensure_wheel_builder ARCH: the builder image for a Debian architecture
# (amd64, s390x, arm64) as image-factory/wheel-builder:bookworm-ARCH.
ensure_wheel_builder() {
  local arch="$1" tag="$WHEEL_BUILDER_REPO:$WHEEL_BUILDER_SUITE-$1"
  docker image inspect "$tag" >/dev/null 2>&1 && return 0
  ensure_debian_packages debootstrap:debootstrap
  local native root started
  native="$(dpkg --print-architecture)"
  # Outside the repository: the tools that scan it must not meet the
  # rootfs (or the /proc and /sys debootstrap mounts in it).
  root="$(mktemp -d "${TMPDIR:-/tmp}/wheel-builder-$arch.XXXX")"
  started=$SECONDS
  log "Making the wheel builder $tag with debootstrap (once; log: .run/debootstrap-$arch.log)"
  if [ "$arch" = "$native" ]; then
    debootstrap --variant=minbase --include="$WHEEL_BUILDER_PACKAGES" \
      "$WHEEL_BUILDER_SUITE" "$root" http://deb.debian.org/debian \
      >"$RUN_DIR/debootstrap-$arch.log" 2>&1 \
      || die "debootstrap $arch failed (see .run/debootstrap-$arch.log)"
  else
    # The second stage runs the foreign binaries through binfmt + QEMU.
    debootstrap --foreign --arch="$arch" --variant=minbase --include="$WHEEL_BUILDER_PACKAGES" \
      "$WHEEL_BUILDER_SUITE" "$root" http://deb.debian.org/debian \
      >"$RUN_DIR/debootstrap-$arch.log" 2>&1 \
      && chroot "$root" /debootstrap/debootstrap --second-stage >>"$RUN_DIR/debootstrap-$arch.log" 2>&1 \
      || die "debootstrap $arch failed (see .run/debootstrap-$arch.log)"
  fi
  local mount
  for mount in proc sys; do
    mountpoint -q "$root/$mount" && umount -l "$root/$mount"
  done
  # Only what a build needs: no apt lists, caches or docs.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc "$root"/usr/share/man
  # A BuildKit build FROM scratch records the image's platform (this
  # engine's `docker import` records its own), so s390x runs through QEMU.
  local context docker_cli=/usr/bin/docker
  [ -x "$docker_cli" ] || docker_cli="$(command -v docker)"
  context="$(mktemp -d "${TMPDIR:-/tmp}/wheel-builder-context.XXXX")"
  tar -C "$root" --one-file-system -cf "$context/rootfs.tar" . \
    || die "packing the $arch builder's rootfs failed"
  rm -rf "$root"
  cat >"$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
ADD rootfs.tar /
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
CMD ["python3"]
DOCKERFILE
  DOCKER_BUILDKIT=1 "$docker_cli" build -q --network none --platform "linux/$arch" \
    -t "$tag" "$context" >>"$RUN_DIR/debootstrap-$arch.log" 2>&1 \
    || die "building the $arch builder image failed (see .run/debootstrap-$arch.log)"
  rm -rf "$context"
  log "Wheel builder $tag ready in $((SECONDS - started)) s"
}

# ensure_python_builder_upstream PORT: the amd64 and s390x builders pushed to
# the local registry as one index, localhost:PORT/upstream/python-builder:bookworm
# (examples/images.yaml's python-builder-upstream, the base of wheel-builder,
# which the factory builds and the example wheel sets build in). Once.
PYTHON_BUILDER_UPSTREAM_REPO=upstream/python-builder
ensure_python_builder_upstream() {
  local port="${1:-5000}" arch sources=()
  local ref="localhost:$port/$PYTHON_BUILDER_UPSTREAM_REPO:$WHEEL_BUILDER_SUITE"
  if curl -fsS -o /dev/null -H "Accept: $INDEX_ACCEPT" \
    "http://127.0.0.1:$port/v2/$PYTHON_BUILDER_UPSTREAM_REPO/manifests/$WHEEL_BUILDER_SUITE" 2>/dev/null; then
    return 0
  fi
  log "Pushing the wheel builders to $ref (once)"
  for arch in amd64 s390x; do
    docker tag "$WHEEL_BUILDER_REPO:$WHEEL_BUILDER_SUITE-$arch" "$ref-$arch" \
      && docker push -q "$ref-$arch" >>"$RUN_DIR/examples.log" 2>&1 \
      || die "pushing $ref-$arch failed (see .run/examples.log)"
    sources+=("$ref-$arch")
  done
  docker manifest rm "$ref" >/dev/null 2>&1 || true
  docker manifest create --insecure "$ref" "${sources[@]}" >>"$RUN_DIR/examples.log" 2>&1 \
    && docker manifest push --insecure --purge "$ref" >>"$RUN_DIR/examples.log" 2>&1 \
    || die "pushing the index $ref failed (see .run/examples.log)"
  # The tags only name the builders a second time.
  for arch in amd64 s390x; do docker rmi "$ref-$arch" >/dev/null 2>&1 || true; done
}

# Real upstream sdists for the refinery's tests, from Debian's source
# packages (the .orig tarball is the upstream sdist), renamed as PyPI names
# them, into .tools/sdists (once). Not every orig tarball is an sdist
# (python-msgpack's is a git export without PKG-INFO; pycparser's is not on
# the mirror), hence the check.
TEST_SDISTS=(
  "m/markupsafe/markupsafe_2.1.2.orig.tar.gz MarkupSafe-2.1.2.tar.gz"
  "p/python-cffi/python-cffi_1.15.1.orig.tar.gz cffi-1.15.1.tar.gz"
)
ensure_test_sdists() {
  local dir="$TOOLS_DIR/sdists" entry pool name
  mkdir -p "$dir"
  for entry in "${TEST_SDISTS[@]}"; do
    read -r pool name <<<"$entry"
    [ -s "$dir/$name" ] && continue
    log "Downloading the sdist $name from Debian's pool/main/$pool"
    curl -fsS -o "$dir/$name.part" "http://deb.debian.org/debian/pool/main/$pool" \
      && tar -tzf "$dir/$name.part" | grep '/PKG-INFO$' >/dev/null \
      && mv "$dir/$name.part" "$dir/$name" \
      || die "could not download $pool (or it is not an sdist)"
  done
}
