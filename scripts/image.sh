#!/usr/bin/env bash
# image.sh - build oltap's container image (deploy/kubernetes/Dockerfile)
# with podman, no daemon and no registry needed: installs podman, runc and
# mmdebstrap from Debian, makes the debian:12-slim base image with mmdebstrap
# when none is in local storage and none can be pulled, builds the image from the
# repository's root, checks that its oltap runs, and says how to take it out.
#
#   scripts/image.sh                     build oltap:dev
#   scripts/image.sh --tag NAME          build NAME instead
#   scripts/image.sh --save FILE         then write it as an OCI archive to FILE
#                                        (for kind load image-archive, skopeo, a registry)
#   scripts/image.sh --base-only         only make (or find) the debian:12-slim base
#
# Images live in podman's storage (podman info --format '{{.Store.GraphRoot}}';
# its default driver; CONTAINERS_STORAGE_CONF chooses another, e.g. vfs). The
# base's rootfs tarball is kept in build/image/ so a second run reuses it.
# Set OLTAP_IMAGE_MIRROR for another Debian mirror (default deb.debian.org).
# Runs as root (podman's rootful mode) and at nice 10: the build is CPU-heavy.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

log() { printf '[image] %s\n' "$*"; }
die() { printf '[image] error: %s\n' "$*" >&2; exit 1; }

TAG=oltap:dev
SAVE=""
BASE_ONLY=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tag) [[ $# -ge 2 ]] || die "--tag needs a name"; TAG=$2; shift 2 ;;
    --save) [[ $# -ge 2 ]] || die "--save needs a file"; SAVE=$2; shift 2 ;;
    --base-only) BASE_ONLY=1; shift ;;
    -h|--help) sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option '$1' (try --help)" ;;
  esac
done
[[ $(id -u) -eq 0 ]] || die "run as root: the build uses podman's rootful storage and chroot isolation"

MIRROR=${OLTAP_IMAGE_MIRROR:-http://deb.debian.org}
WORK=$REPO_ROOT/build/image
BASE=localhost/debian:12-slim
mkdir -p "$WORK"

# podman builds (its buildah inside) and runs; runc runs the container where
# crun cannot (crun refuses hybrid cgroup v1/v2 hosts); mmdebstrap makes the base.
install_tools() {
  local missing=() p
  for p in podman runc mmdebstrap; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" == installed ]] || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  log "apt-get install ${missing[*]}"
  env DEBIAN_FRONTEND=noninteractive apt-get update -q
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# mmdebstrap_base TARBALL: a minimal bookworm (variant minbase, as Docker's
# debian:12-slim) from the mirror, with the updates and security suites when
# the security mirror answers, without them when it does not. The merged-usr
# hook makes /usr merged with symlinks and installs usr-is-merged, as Docker's
# image is; without it bookworm's minbase takes the usrmerge package, which
# brings the whole of perl (55 MB). As in -slim, dpkg leaves out documentation,
# man pages and translations (48 MB), in the base and in every package
# installed on it later (mmdebstrap keeps --dpkgopt in /etc/dpkg/dpkg.cfg.d/).
mmdebstrap_base() {
  local out=$1 part=${1%.tar}.partial.tar
  local suites=("deb $MIRROR/debian bookworm main" "deb $MIRROR/debian bookworm-updates main")
  local security="deb $MIRROR/debian-security bookworm-security main"
  local args=(--variant=minbase --mode=root --format=tar
              --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
              --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
              --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
              --dpkgopt='path-exclude=/usr/share/groff/*' --dpkgopt='path-exclude=/usr/share/lintian/*'
              --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "$part")
  local mmlog=$WORK/mmdebstrap.log
  log "mmdebstrap bookworm (minbase, slim) from $MIRROR into $out (log: $mmlog)"
  if nice -n 10 mmdebstrap "${args[@]}" "${suites[@]}" "$security" >"$mmlog" 2>&1; then
    mv "$part" "$out"
    return 0
  fi
  log "mmdebstrap with $MIRROR/debian-security failed; again without the security suite"
  nice -n 10 mmdebstrap "${args[@]}" "${suites[@]}" >"$mmlog" 2>&1 ||
    { tail -20 "$mmlog" >&2; die "mmdebstrap failed (is $MIRROR/debian reachable? all of it in $mmlog)"; }
  mv "$part" "$out"
}

ensure_base() {
  if podman image exists "$BASE" || podman image exists docker.io/library/debian:12-slim; then
    log "base image debian:12-slim: in local storage"
    return 0
  fi
  log "base image debian:12-slim: trying to pull docker.io/library/debian:12-slim"
  if timeout 60 podman pull -q docker.io/library/debian:12-slim >/dev/null 2>&1; then
    log "pulled docker.io/library/debian:12-slim"
    return 0
  fi
  local tarball=$WORK/debian12-slim.tar
  [[ -s "$tarball" ]] || mmdebstrap_base "$tarball"
  log "podman import $tarball $BASE"
  podman import -q --change 'CMD ["bash"]' --message "mmdebstrap bookworm minbase, slim" "$tarball" "$BASE" >/dev/null
}

git_revision() {
  local rev
  rev=$(git rev-parse --short=12 HEAD 2>/dev/null) || { echo unknown; return; }
  git diff --quiet HEAD -- 2>/dev/null || rev+=-dirty
  echo "$rev"
}

# The flags `podman run` needs here, found by trying (printed for the user):
# none; else runc for crun's cgroup refusal; else runc with rlimits no higher
# than podman's own (a root without CAP_SYS_RESOURCE cannot raise its own,
# and podman asks for 1048576 open files by default).
RUN_FLAGS=()
find_run_flags() {
  local nofile nproc
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  [[ $nofile == unlimited || $nofile -gt 1048576 ]] && nofile=1048576
  [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
  local candidates=("" "--runtime runc" "--runtime runc --ulimit nofile=$nofile:$nofile --ulimit nproc=$nproc:$nproc")
  local c flags
  for c in "${candidates[@]}"; do
    read -r -a flags <<<"$c"
    if podman run --rm "${flags[@]}" "$TAG" --version >"$WORK/run-probe.log" 2>&1; then
      RUN_FLAGS=("${flags[@]}")
      return 0
    fi
  done
  return 1
}

install_tools
ensure_base
[[ $BASE_ONLY -eq 1 ]] && exit 0

rev=$(git_revision)
log "podman build -f deploy/kubernetes/Dockerfile -t $TAG (revision $rev, isolation chroot, nice 10)"
start=$SECONDS
nice -n 10 podman build --isolation chroot --pull=missing --build-arg OLTAP_GIT_REVISION="$rev" \
  -f deploy/kubernetes/Dockerfile -t "$TAG" . >"$WORK/build.log" 2>&1 ||
  { tail -40 "$WORK/build.log" >&2; die "the build failed (all of it in $WORK/build.log)"; }
log "built $TAG in $((SECONDS - start)) s (log: $WORK/build.log)"

size=$(podman image inspect --format '{{.Size}}' "$TAG")
log "image $TAG: $(podman image inspect --format '{{.Id}}' "$TAG" | cut -c1-12), $((size / 1000000)) MB, in $(podman info --format '{{.Store.GraphRoot}}') ($(podman info --format '{{.Store.GraphDriverName}}'))"

if find_run_flags; then
  log "podman run ${RUN_FLAGS[*]} $TAG --version: $(head -1 "$WORK/run-probe.log")"
  log "run it here as: podman run --rm --network host ${RUN_FLAGS[*]} $TAG run /workloads/pgbench-select.yaml --target ..."
else
  # No container runtime works (no namespaces, say): the image's files still
  # run with chroot, which proves the image and its libraries are whole.
  log "podman run failed here (first lines of $WORK/run-probe.log):"
  head -5 "$WORK/run-probe.log" >&2
  mnt=$(podman image mount "$TAG")
  log "chroot $mnt oltap --version: $(chroot "$mnt" /usr/local/bin/oltap --version | head -1)"
  podman image unmount "$TAG" >/dev/null
fi

# The name a Kubernetes node gives TAG: podman's storage says localhost/NAME,
# and containerd keeps the name an archive carries, while a manifest's
# `image: oltap:dev` means docker.io/library/oltap:dev. The archive carries
# that name (checked with containerd 1.6's ctr images import, as kind load does).
k8s_name() {
  local name=$1 first=${1%%/*}
  if [[ "$name" == */* && ( "$first" == *.* || "$first" == *:* || "$first" == localhost ) ]]; then
    echo "$name"
  elif [[ "$name" == */* ]]; then
    echo "docker.io/$name"
  else
    echo "docker.io/library/$name"
  fi
}
name=$(k8s_name "$TAG")
if [[ -n "$SAVE" ]]; then
  [[ "$name" == "$TAG" ]] || podman tag "$TAG" "$name"
  log "podman save --format oci-archive -o $SAVE $name"
  podman save -q --format oci-archive -o "$SAVE" "$name"
  log "wrote $SAVE ($(($(stat -c %s "$SAVE") / 1000000)) MB), its image named $name"
fi
log "to take it out:  podman tag $TAG $name && podman save --format oci-archive -o oltap.tar $name"
log "  into kind:     kind load image-archive oltap.tar"
log "  to a registry: podman push $TAG docker://registry.example.com/oltap:dev"
