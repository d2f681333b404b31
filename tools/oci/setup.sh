#!/usr/bin/env bash
# Makes this machine able to build and run the template's Dockerfile with a real OCI builder
# (buildah/podman from Debian), as root: the packages, a containers.conf for this machine's
# quirks, and QEMU for arm64/arm images. Idempotent; CI runs it before `npm run test:oci`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

packages=(buildah podman runc fuse-overlayfs uidmap slirp4netns qemu-user-static binfmt-support)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "oci setup: missing Debian packages: ${missing[*]} (run this as root, or apt-get install them)" >&2
    exit 1
  fi
  echo "oci setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# QEMU for the arm64 and arm/v7 images: binfmt_misc is not mounted by default here.
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
for emulator in qemu-aarch64 qemu-arm; do
  [ -e "/proc/sys/fs/binfmt_misc/$emulator" ] || update-binfmts --enable "$emulator"
done

echo "oci setup: buildah $(buildah --version | cut -d' ' -f3), podman $(podman --version | cut -d' ' -f3), containers.conf $here/containers.conf"
