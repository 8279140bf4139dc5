#!/usr/bin/env bash
# Installs the build toolchain Gantry needs, from the package registries only.
# Idempotent: every step checks first and does nothing when the tool is already there.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

install_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || { log "rustup: adding wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
}

# cargo-leptos 0.3.11's lockfile pins cargo-util-schemas 0.14.2, which needs a newer rustc than
# this machine's; installing from a copy of its source with that one crate pinned back works.
install_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then return; fi
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
  local src
  src=$(ls -d "$HOME"/.cargo/registry/src/*/cargo-leptos-$CARGO_LEPTOS_VERSION 2>/dev/null | head -n1 || true)
  if [ -z "$src" ]; then
    env -u CARGO_TARGET_DIR cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked >/dev/null 2>&1 || true
    src=$(ls -d "$HOME"/.cargo/registry/src/*/cargo-leptos-$CARGO_LEPTOS_VERSION | head -n1)
  fi
  local work
  work=$(mktemp -d)
  cp -r "$src" "$work/cargo-leptos"
  (cd "$work/cargo-leptos" && cargo update -q -p cargo-util-schemas --precise 0.14.1)
  env -u CARGO_TARGET_DIR CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --path "$work/cargo-leptos" --locked --features no_downloads
  rm -rf "$work"
}

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
install_wasm_bindgen() {
  local root want
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$root/Cargo.lock")
  if wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then return; fi
  log "installing wasm-bindgen-cli $want"
  env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$want" --force
}

install_node_tools() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -x "$root/node_modules/.bin/tailwindcss" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    log "npm ci (Tailwind, binaryen, Playwright)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  vendor_xterm "$root"
}

# The exec terminal's xterm.js, copied from node_modules into public/ (cargo-leptos copies public/
# into the site), so the browser loads it from the panel itself and never from a CDN.
vendor_xterm() {
  local root=$1 dest="$1/public/vendor/xterm"
  mkdir -p "$dest"
  cp "$root/node_modules/@xterm/xterm/lib/xterm.js" \
     "$root/node_modules/@xterm/xterm/css/xterm.css" \
     "$root/node_modules/@xterm/addon-fit/lib/addon-fit.js" "$dest/"
}

install_build_tools() {
  apt_install postgresql pkg-config git
  install_wasm_target
  install_cargo_leptos
  install_wasm_bindgen
  install_node_tools
}

# Python tools of the tests, from PyPI, in a virtualenv under the cache so the system Python stays
# untouched: kubernetes-validate checks rendered Kubernetes manifests against the official
# schemas; the official `stripe` library signs the webhook payloads of the Stripe stand-in
# (scripts/lib/stripe_standin.py).
STRIPE_PY_VERSION=16.1.0
install_kubernetes_validate() {
  local venv="$HOME/.cache/gantry/venv"
  if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    command -v python3 >/dev/null || apt_install python3
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
    log "pip: installing kubernetes-validate"
    "$venv/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate
  fi
  if ! "$venv/bin/python" -c "import stripe, sys; sys.exit(stripe.VERSION != '$STRIPE_PY_VERSION')" 2>/dev/null; then
    log "pip: installing stripe $STRIPE_PY_VERSION"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "stripe==$STRIPE_PY_VERSION"
  fi
  export PATH="$venv/bin:$PATH"
}
