#!/usr/bin/env bash
# Builds the Go tools the tests, benchmarks and the one-machine stack use, from the Go module proxy,
# into a cache folder outside the repository keyed by version, and only when missing (a fresh
# machine builds everything once: ~20 min on 2 cores; a warm cache takes no time).
#   tools/setup/go-tools.sh [tool …]   builds the named tools (default: all), then prints
#                                      "name=/path/to/binary" for each
# Tools: nats-server stripe-mock k6 helm kubeconform kine kwok kube (apiserver, controller-manager,
# scheduler, kubectl). POSTMAGIQ_TOOLS_CACHE moves the cache (default ~/.cache/postmagiq/tools).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${POSTMAGIQ_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmagiq/tools}"
export GOFLAGS=-buildvcs=false CGO_ENABLED="${CGO_ENABLED:-1}"

NATS_SERVER_VERSION=v2.15.3
STRIPE_MOCK_VERSION=v0.203.0
K6_VERSION=v1.8.1
HELM_VERSION=v4.3.2
KUBECONFORM_VERSION=v0.8.0
KINE_VERSION=v0.17.5
KWOK_VERSION=v0.8.0
KUBE_VERSION=v1.36.3

# Go is needed only to build what the cache lacks: a warm cache works without it.
need_go() {
  command -v go >/dev/null 2>&1 && return 0
  echo "go-tools: Go (>= 1.26, the version nats-server $NATS_SERVER_VERSION asks for) is needed to build $1 once;" >&2
  echo "  install it from https://go.dev/dl (e.g. into /usr/local/go, with /usr/local/go/bin on PATH)." >&2
  echo "  Debian 12's golang-go (1.19) is too old." >&2
  exit 1
}

# go_install NAME VERSION PACKAGE [LDFLAGS]: one `go install` into cache/NAME-VERSION/bin.
go_install() {
  local name=$1 version=$2 pkg=$3 ldflags=${4:-}
  local dir="$cache/$name-$version/bin"
  if [ ! -x "$dir/$name" ]; then
    need_go "$name"
    echo "go-tools: building $name $version (once; cached in $dir)" >&2
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    GOBIN="$tmp" go install -trimpath -ldflags "-s -w $ldflags" "$pkg@$version"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "$name=$dir/$name"
}

build_kube() {
  local dir="$cache/kube-$KUBE_VERSION/bin"
  if [ ! -x "$dir/kubectl" ]; then
    need_go kube
    echo "go-tools: building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $KUBE_VERSION (once, ~7 min)" >&2
    local work tmp="$dir.tmp.$$"
    work="$(mktemp -d)"
    cp "$here/k8s/go.mod" "$here/k8s/go.sum" "$here/k8s/tools.go" "$work/"
    rm -rf "$tmp" && mkdir -p "$tmp"
    local v=${KUBE_VERSION#v}
    (cd "$work" && go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=${v%%.*} -X k8s.io/component-base/version.gitMinor=$(echo "$v" | cut -d. -f2)" \
      -o "$tmp/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
    rm -rf "$work" "$dir" && mv "$tmp" "$dir"
  fi
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do echo "$b=$dir/$b"; done
}

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(nats-server stripe-mock k6 helm kubeconform kine kwok kube)
for tool in "${tools[@]}"; do
  case "$tool" in
    nats-server) go_install nats-server "$NATS_SERVER_VERSION" github.com/nats-io/nats-server/v2 ;;
    stripe-mock) go_install stripe-mock "$STRIPE_MOCK_VERSION" github.com/stripe/stripe-mock ;;
    k6) go_install k6 "$K6_VERSION" go.k6.io/k6 ;;
    helm) go_install helm "$HELM_VERSION" helm.sh/helm/v4/cmd/helm "-X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" ;;
    kubeconform) go_install kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform ;;
    kine) go_install kine "$KINE_VERSION" github.com/k3s-io/kine ;;
    kwok) go_install kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok ;;
    kube) build_kube ;;
    *) echo "go-tools: unknown tool '$tool' (known: nats-server stripe-mock k6 helm kubeconform kine kwok kube)" >&2; exit 2 ;;
  esac
done
