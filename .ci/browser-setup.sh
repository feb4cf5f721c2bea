#!/usr/bin/env bash
# Installs what the browser tests (src/test/browser, run by `mvn verify`) need, when missing:
# Debian's chromium at /usr/bin/chromium and the pinned playwright-core from the npm registry.
# Idempotent; needs root for apt-get. Called by .ci/run before the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi

browser_tests=src/test/browser
wanted=$(node -p "require('./$browser_tests/package.json').devDependencies['playwright-core']")
installed=$(node -p "try { require('./$browser_tests/node_modules/playwright-core/package.json').version } catch { '' }")
if [ "$installed" != "$wanted" ]; then
  npm ci --prefix "$browser_tests" --no-audit --no-fund
fi

/usr/bin/chromium --version 2>/dev/null
echo "playwright-core $(node -p "require('./$browser_tests/node_modules/playwright-core/package.json').version")"
