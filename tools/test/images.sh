#!/usr/bin/env bash
# Builds service images from the Dockerfile with buildah (no Docker, no registry pulls) on a base
# made by tools/setup/image-base.sh (debootstrap + the official Node build), then checks each:
# `node main.js --version` prints the package version, a bad setting stops it with a message naming
# the variable, and its config runs as UID 10001 with `node main.js` as entrypoint on port 8080.
#   tools/test/images.sh [service …]   (default: identity agent-worker). Needs root, buildah, skopeo.
# The buildah storage and the base live in the tools cache, outside the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="${POSTMAGIQ_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmagiq/tools}"
for tool in buildah skopeo; do
  command -v "$tool" >/dev/null || { echo "images: needs $tool (apt-get install buildah skopeo umoci debootstrap)" >&2; exit 1; }
done
store="$cache/buildah"
B=(buildah --root "$store/root" --runroot "$store/runroot" --storage-driver vfs)
BASE=localhost/postmagiq-base:node-20.20.2
services=("$@")
[ ${#services[@]} -eq 0 ] && services=(identity agent-worker)
version="$(node -p "require('./package.json').version")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "images: FAIL $*" >&2; exit 1; }

if ! "${B[@]}" inspect --type image "$BASE" >/dev/null 2>&1; then
  cp "$(bash tools/setup/image-base.sh)" "$work/rootfs.tar"
  # this machine's extra certificate authorities (a TLS-inspecting proxy in front of the npm
  # registry): trusted by the local base only, so the image builds here reach the registry
  mkdir -p "$work/ca"
  cp /usr/local/share/ca-certificates/*.crt "$work/ca/" 2>/dev/null || true
  cat >"$work/Containerfile" <<'CONTAINERFILE'
FROM scratch
ADD rootfs.tar /
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
CONTAINERFILE
  "${B[@]}" bud --quiet --isolation chroot -t "$BASE" "$work" >/dev/null
fi

for svc in "${services[@]}"; do
  echo "images: building postmagiq-$svc" >&2
  started=$SECONDS
  "${B[@]}" bud --quiet --layers --isolation chroot --build-arg "BASE=$BASE" --build-arg "SERVICE=$svc" \
    --build-arg "VERSION=$version" --target service -t "localhost/postmagiq-$svc" . >"$work/build-$svc.log" 2>&1 ||
    { tail -30 "$work/build-$svc.log" >&2; fail "$svc: build"; }
  c="$("${B[@]}" from --quiet "localhost/postmagiq-$svc")"
  got="$("${B[@]}" run --isolation chroot "$c" -- node main.js --version)"
  [ "$got" = "$version" ] || fail "$svc: --version printed '$got', expected $version"
  set +e
  out="$("${B[@]}" run --isolation chroot --env PORT=not-a-port --env AGENT_BACKEND=simulated "$c" -- node main.js 2>&1)"
  status=$?
  set -e
  [ $status -ne 0 ] || fail "$svc: started with PORT=not-a-port"
  grep -q 'Invalid configuration' <<<"$out" && grep -q 'PORT' <<<"$out" || fail "$svc: no message naming PORT: $out"
  "${B[@]}" rm "$c" >/dev/null
  "${B[@]}" push --quiet "localhost/postmagiq-$svc" "oci-archive:$work/$svc.tar" >/dev/null
  skopeo inspect --config "oci-archive:$work/$svc.tar" >"$work/$svc.json"
  node -e '
    const [file, svc, version] = process.argv.slice(1);
    const { config } = require(file);
    const want = { User: "10001:10001", Entrypoint: ["node", "main.js"], WorkingDir: "/app/dist" };
    for (const [k, v] of Object.entries(want)) {
      if (JSON.stringify(config[k]) !== JSON.stringify(v)) throw new Error(`${svc}: ${k} is ${JSON.stringify(config[k])}, expected ${JSON.stringify(v)}`);
    }
    if (!config.ExposedPorts?.["8080/tcp"]) throw new Error(`${svc}: port 8080 not exposed`);
    if (config.Labels?.["org.opencontainers.image.version"] !== version) throw new Error(`${svc}: no version label`);
    if ((config.Env ?? []).some((e) => /KEY|SECRET|PASSWORD|TOKEN/.test(e.split("=")[0]))) throw new Error(`${svc}: a secret in the environment`);
  ' "$work/$svc.json" "$svc" "$version" || fail "$svc: image config"
  size="$(du -m "$work/$svc.tar" | cut -f1)"
  echo "images: ok postmagiq-$svc ($((SECONDS - started)) s, ${size} MB archive): --version, config refusal, user 10001, entrypoint, port, label" >&2
done
