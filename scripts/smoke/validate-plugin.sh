#!/usr/bin/env bash
# Grafana's plugin validator on the packaged plugin, as Grafana's plugin catalog runs it
# (https://github.com/grafana/plugin-validator): builds plugin/dist, zips it as
# <plugin id>/ in <plugin id>-<version>.zip, then runs
#   npx -y @grafana/plugin-validator@latest -sourceCodeUri file://<repo>/plugin <zip>
# Errors fail the job; warnings are in report.txt. Not -strict: an unsigned plugin outside the catalog
# (no signature, no screenshots, an id whose org has no grafana.com account) always draws warnings. The validator downloads its binary from GitHub when it runs, so this
# runs in GitHub Actions (.github/workflows/smoke.yml); `--zip-only` builds and packages without it.
# Output: test-artifacts/plugin-validator (PLUGIN_VALIDATOR_ARTIFACTS): the zip and report.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

ZIP_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --zip-only) ZIP_ONLY=1 ;;
    *)
      echo "validate-plugin.sh: unknown option $arg (options: --zip-only)" >&2
      exit 2
      ;;
  esac
done

OUT="${PLUGIN_VALIDATOR_ARTIFACTS:-$ROOT/test-artifacts/plugin-validator}"
VALIDATOR_TIMEOUT="${PLUGIN_VALIDATOR_TIMEOUT:-900}"
command -v zip >/dev/null 2>&1 || {
  echo "validate-plugin.sh needs zip (Debian/Ubuntu: apt-get install zip)" >&2
  exit 2
}

PLUGIN_ID=$(node -p "require('./plugin/src/plugin.json').id")
VERSION=$(node -p "require('./plugin/package.json').version")
ZIP="$OUT/$PLUGIN_ID-$VERSION.zip"

echo "== npm run build --workspace plugin"
npm run build --workspace plugin

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
rm -f "$ZIP"
cp -R plugin/dist "$WORK/$PLUGIN_ID"
(cd "$WORK" && zip -qr "$ZIP" "$PLUGIN_ID")
echo "== packaged $ZIP:"
(cd "$WORK" && find "$PLUGIN_ID" -type f | sort | sed 's/^/  /')

if [ "$ZIP_ONLY" = 1 ]; then exit 0; fi

echo "== Grafana plugin validator"
bounded() {
  if command -v timeout >/dev/null 2>&1; then timeout "$@"; else shift && "$@"; fi
}
bounded "$VALIDATOR_TIMEOUT" npx -y @grafana/plugin-validator@latest -sourceCodeUri "file://$ROOT/plugin" "$ZIP" 2>&1 |
  tee "$OUT/report.txt"
echo "== the plugin validator found no error (warnings, if any, are above and in report.txt)"
