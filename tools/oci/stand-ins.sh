#!/usr/bin/env bash
# Makes the local STAND-IN base images the template's Dockerfile builds on, stored under the
# exact names its FROM lines ask for, so that the unmodified Dockerfile builds with
# `--pull=never` on a machine that reaches no container registry.
#
#   tools/oci/stand-ins.sh IMAGE...    e.g. node:24.17.0-alpine3.24 alpine:3.24 ghcr.io/openfaas/of-watchdog:0.10.7
#   OPENFAAS_BIN_DIR=DIR               where the real of-watchdog binaries are (of-watchdog-linux-amd64,
#                                      -arm64, -armv7; tools/openfaas.ts describes the folder)
#
# The kind of stand-in follows the name (node:*, alpine:*, */of-watchdog:*). How they differ
# from the real images (so what a build on them cannot prove):
# - Node: Debian 12 glibc libraries and busybox's sh, not Alpine's musl and busybox; Node.js
#   from the npm registry's node-linux-<arch> package of the same major line (the exact patch
#   release when the registry has it), npm from the npm package. Like the official image: user
#   and group node (1000:1000, home /home/node), /tmp 1777, node and npm on PATH, an entrypoint
#   that runs `node` when the first argument is a flag or no command. linux/amd64 and
#   linux/arm64 run Node. Node 22 and older also get linux/arm/v7, as the official images do,
#   holding busybox only (npm has no armv7 Node of those lines), enough to prove which variant a
#   build picks, not to run it; Node 24 and later have no arm/v7, as the official images have none.
# - Alpine: Debian's busybox for each platform, nothing else: no apk and no Alpine repository,
#   so a RUN `apk add` on it fails (`apk: not found`). It proves which stage and variant a build
#   picks for arm/v7, not Alpine's packages.
# - Watchdog: FROM scratch with the real of-watchdog binary of each platform as /fwatchdog and
#   ENTRYPOINT ["/fwatchdog"], as the upstream image is made, so a built image runs its real
#   CMD ["fwatchdog"]. A platform whose binary is not in OPENFAAS_BIN_DIR gets a placeholder
#   /fwatchdog that says so and exits 1: its images build but cannot run.
# Each image carries the label lector.stand-in=<recipe digest>-<platform>[-<binary digest>]; an
# image whose label matches is kept (downloads are cached under $STANDIN_CACHE), so a second run
# takes seconds.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: stand-ins.sh IMAGE... (node:*, alpine:*, */of-watchdog:*)" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
cache="${STANDIN_CACHE:-/var/cache/lector-oci}"
npm_version=10.9.9
mkdir -p "$cache"

log() { echo "stand-ins: $*" >&2; }
debian_arch() { case "$1" in linux/amd64) echo amd64 ;; linux/arm64) echo arm64 ;; linux/arm/v7) echo armhf ;; esac; }
node_arch() { case "$1" in linux/amd64) echo x64 ;; linux/arm64) echo arm64 ;; *) echo "" ;; esac; }

# The Node.js release of the image's tag ($wanted) if the registry has it, else the newest of its major line.
node_version() {
  local package="node-linux-$1" file="$cache/versions-$1-$wanted"
  if [ ! -s "$file" ]; then
    if [ -n "$(npm view "$package@$wanted" version 2>/dev/null)" ]; then
      echo "$wanted" >"$file"
    else
      npm view "$package@${wanted%%.*}" version | tail -n 1 | sed -E "s/.*'([0-9.]+)'.*/\1/; s/^$package@//" >"$file"
    fi
  fi
  cat "$file"
}

fetch_debs() { # arch packages... → unpacked into $root
  local arch="$1"; shift
  local dir="$cache/debs-$arch"
  mkdir -p "$dir"
  if [ "$arch" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    dpkg --add-architecture "$arch"
    # A mirror caught mid-sync fails one index now and then; the others still serve.
    apt-get update -qq || log "apt-get update had errors; trying the package indexes it has"
  fi
  for package in "$@"; do
    if ! ls "$dir/${package}_"*.deb >/dev/null 2>&1; then
      (cd "$dir" && apt-get download -qq "$package:$arch" 2>/dev/null) || { apt-get update -qq || true; (cd "$dir" && apt-get download -qq "$package:$arch"); }
    fi
    dpkg-deb -x "$(ls "$dir/${package}_"*.deb | tail -n 1)" "$root"
  done
}

fetch_npm() { # package@version → unpacked folder
  local spec="$1" dir="$cache/npm/${1//\//_}"
  if [ ! -d "$dir/package" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz && rm ./*.tgz)
  fi
  echo "$dir/package"
}

recipe=$(cat "$0" | sha256sum | cut -c1-16)

import() { # platform name [--change ...] ← tar of $root
  local platform="$1" name="$2"; shift 2
  local arch="${platform#linux/}" variant=""
  case "$arch" in arm/v7) arch=arm variant=v7 ;; esac
  tar --numeric-owner -C "$root" -cf - . |
    podman import --quiet --os linux --arch "$arch" ${variant:+--variant "$variant"} \
      --change "LABEL lector.stand-in=$label" "$@" - "$name" >/dev/null
}

current() { # name label → true when the image exists from this recipe (and binary)
  [ "$(podman image inspect --format '{{index .Labels "lector.stand-in"}}' "$1" 2>/dev/null)" = "$2" ]
}

node_rootfs() { # platform
  local platform="$1" arch
  arch="$(debian_arch "$platform")"
  mkdir -p "$root"/{bin,usr/bin,etc,tmp,root,home/node,usr/local/bin,usr/local/lib/node_modules}
  chmod 1777 "$root/tmp"
  fetch_debs "$arch" busybox-static
  for applet in $(cat "$cache/busybox-applets"); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  ln -sf ../../bin/env "$root/usr/bin/env"
  cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
node:x:1000:1000::/home/node:/bin/sh
PASSWD
  printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
  chown 1000:1000 "$root/home/node"
  [ "$platform" = linux/arm/v7 ] && { echo "stand-in for $image ($platform): no Node.js" >"$root/STAND-IN"; return; }

  fetch_debs "$arch" libc6 libgcc-s1 libstdc++6
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  local node npm version
  version="$(node_version "$(node_arch "$platform")")"
  node="$(fetch_npm "node-linux-$(node_arch "$platform")@$version")"
  npm="$(fetch_npm "npm@$npm_version")"
  install -m 0755 "$node/bin/node" "$root/usr/local/bin/node"
  cp -a "$npm" "$root/usr/local/lib/node_modules/npm"
  # npm's builtin config: the machine reaches the registry through a proxy whose CA only the
  # system bundle has (a prefix npmrc would move with `npm ci --prefix`).
  echo "cafile=/etc/ssl/certs/ca-certificates.crt" >"$root/usr/local/lib/node_modules/npm/npmrc"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
# As the official node images: a first argument that is a flag, or not a command, goes to node.
set -e
case "$1" in -*) set -- node "$@" ;; *) command -v "$1" >/dev/null 2>&1 || set -- node "$@" ;; esac
exec "$@"
ENTRY
  chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
  echo "stand-in for $image ($platform): Node.js $version from node-linux-$(node_arch "$platform"), npm $npm_version, Debian 12 libraries" >"$root/STAND-IN"
}

alpine_rootfs() { # platform: busybox's applets, /tmp, root and no package manager
  mkdir -p "$root"/{bin,etc,tmp,root}
  chmod 1777 "$root/tmp"
  fetch_debs "$(debian_arch "$1")" busybox-static
  for applet in $(cat "$cache/busybox-applets"); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  echo "stand-in for $image ($1): busybox only, no apk" >"$root/STAND-IN"
}

# The real binary for a platform, if OPENFAAS_BIN_DIR has it.
watchdog_binary() { # platform
  local arch="${1#linux/}"
  arch="${arch//\//}"
  local file="${OPENFAAS_BIN_DIR:-}/of-watchdog-linux-$arch"
  [ -n "${OPENFAAS_BIN_DIR:-}" ] && [ -x "$file" ] && echo "$file"
}

watchdog_rootfs() { # platform
  mkdir -p "$root"
  local binary
  if binary="$(watchdog_binary "$1")"; then
    install -m 0755 "$binary" "$root/fwatchdog"
  else
    log "no of-watchdog-linux-${1#linux/} in OPENFAAS_BIN_DIR (${OPENFAAS_BIN_DIR:-unset}): a placeholder /fwatchdog for $1"
    cat >"$root/fwatchdog" <<'WATCHDOG'
#!/bin/sh
echo "fwatchdog: placeholder; make the stand-ins with OPENFAAS_BIN_DIR set to a folder holding of-watchdog-linux-<arch>" >&2
exit 1
WATCHDOG
    chmod 0755 "$root/fwatchdog"
  fi
}

# busybox's applet list, read once from the host's own architecture.
if [ ! -s "$cache/busybox-applets" ]; then
  root="$(mktemp -d)"
  fetch_debs "$(dpkg --print-architecture)" busybox-static
  "$root/bin/busybox" --list >"$cache/busybox-applets"
  rm -rf "$root"
fi

for image in "$@"; do
  list="$image"
  case "$list" in */*) ;; *) list="docker.io/library/$list" ;; esac
  platforms=(linux/amd64 linux/arm64 linux/arm/v7)
  case "$list" in
    docker.io/library/node:*)
      kind=node tag="${list##*:}" wanted="${tag%%-*}"
      [ "${wanted%%.*}" -lt 24 ] || platforms=(linux/amd64 linux/arm64) ;;
    docker.io/library/alpine:*) kind=alpine ;;
    */of-watchdog:*) kind=watchdog ;;
    *) echo "stand-ins: no stand-in recipe for $image" >&2; exit 2 ;;
  esac
  built=()
  for platform in "${platforms[@]}"; do
    name="localhost/lector-stand-in/$kind:${list##*:}-${platform//\//-}"
    built+=("$name")
    label="$recipe-$platform"
    # The watchdog's image changes with its binary: its digest is part of the key.
    if [ "$kind" = watchdog ]; then
      if binary="$(watchdog_binary "$platform")"; then
        label="$label-$(sha256sum "$binary" | cut -c1-16)"
      else
        label="$label-placeholder"
      fi
    fi
    current "$name" "$label" && continue
    log "making $name ($platform)"
    root="$(mktemp -d)"
    case "$kind" in
      node)
        node_rootfs "$platform"
        import "$platform" "$name" --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["node"]' ;;
      alpine)
        alpine_rootfs "$platform"
        import "$platform" "$name" --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["/bin/sh"]' ;;
      watchdog)
        watchdog_rootfs "$platform"
        import "$platform" "$name" --change 'ENTRYPOINT ["/fwatchdog"]' ;;
    esac
    rm -rf "$root"
  done
  # One name for every platform, as on a registry: the build picks the variant it targets.
  podman manifest rm "$list" >/dev/null 2>&1 || podman rmi -f "$list" >/dev/null 2>&1 || true
  podman manifest create "$list" >/dev/null
  for name in "${built[@]}"; do podman manifest add "$list" "containers-storage:$name" >/dev/null; done
  log "$list: ${platforms[*]} (stand-in)"
done
