#!/usr/bin/env bash
# Smoke test on a real Grafana, for any machine with Docker (GitHub Actions runs it on every push and
# pull request: .github/workflows/smoke.yml). It starts `docker compose up -d --build` with demo data,
# waits (bounded) until the ingester, Grafana and Prometheus answer, runs the HTTP checks of
# scripts/smoke/checks.ts (Grafana's API, the data source proxy, dashboards, alert rules, Prometheus'
# targets), then opens every dashboard in headless Chromium (e2e/, @grafana/plugin-e2e): a screenshot
# each, and a failure for any panel showing an error. `docker compose down -v` always follows.
#
#   scripts/smoke/smoke.sh               everything; needs `npm ci`, and for the browser part
#                                        `cd e2e && npm ci && npx playwright install --with-deps chromium`
#   scripts/smoke/smoke.sh --no-browser  the HTTP checks only
#
# It runs as its own compose project (SMOKE_COMPOSE_PROJECT, default copilot-metrics-smoke), so
# `down -v` never deletes the volumes of your own `docker compose up`; it needs ports 3000, 8080 and
# 9090 free, and ignores .env and GitHub credentials in the environment (demo data only).
# Output: test-artifacts/smoke (SMOKE_ARTIFACTS): checks.json, screenshots/, compose.log, reports.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

BROWSER=1
for arg in "$@"; do
  case "$arg" in
    --no-browser) BROWSER=0 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "smoke.sh: unknown option $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

export GRAFANA_URL="${GRAFANA_URL:-http://localhost:3000}"
export PROMETHEUS_URL="${PROMETHEUS_URL:-http://localhost:9090}"
export INGESTER_URL="${INGESTER_URL:-http://localhost:8080}"
export GRAFANA_ADMIN_PASSWORD="${GRAFANA_ADMIN_PASSWORD:-admin}"
export SMOKE_ARTIFACTS="${SMOKE_ARTIFACTS:-$ROOT/test-artifacts/smoke}"
PROJECT="${SMOKE_COMPOSE_PROJECT:-copilot-metrics-smoke}"
# Every wait has a deadline (seconds).
BUILD_TIMEOUT="${SMOKE_BUILD_TIMEOUT:-1500}"
START_TIMEOUT="${SMOKE_START_TIMEOUT:-300}"
CHECKS_TIMEOUT="${SMOKE_CHECKS_TIMEOUT:-900}"
BROWSER_TIMEOUT="${SMOKE_BROWSER_TIMEOUT:-1200}"
STOP_TIMEOUT="${SMOKE_STOP_TIMEOUT:-300}"

# Demo data only: nothing from .env (an empty --env-file replaces it) nor GitHub credentials.
unset GITHUB_TOKEN GITHUB_APP_ID GITHUB_APP_PRIVATE_KEY GITHUB_APP_INSTALLATION_ID COPILOT_ORGS COPILOT_ENTERPRISES

log() { printf '\n== %s\n' "$*"; }

# Runs a command under `timeout` when the machine has it (macOS: gtimeout from coreutils).
bounded() {
  local seconds=$1
  shift
  if command -v timeout >/dev/null 2>&1; then
    timeout "$seconds" "$@"
  elif command -v gtimeout >/dev/null 2>&1; then
    gtimeout "$seconds" "$@"
  else
    "$@"
  fi
}

# wait_http NAME URL SECONDS: until URL answers 2xx, or fail after SECONDS.
wait_http() {
  local name=$1 url=$2 deadline=$((SECONDS + $3))
  printf 'waiting for %s (%s) ' "$name" "$url"
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      printf '\n%s did not answer %s within %s s\n' "$name" "$url" "$3" >&2
      return 1
    fi
    printf '.'
    sleep 2
  done
  printf ' up\n'
}

# Before starting anything: what the run needs.
missing=()
command -v docker >/dev/null 2>&1 || missing+=("docker (with the compose plugin)")
command -v curl >/dev/null 2>&1 || missing+=("curl")
[ -x node_modules/.bin/tsx ] || missing+=("the root node_modules: npm ci")
if [ "$BROWSER" = 1 ] && [ ! -x e2e/node_modules/.bin/playwright ]; then
  missing+=("the browser test: (cd e2e && npm ci && npx playwright install --with-deps chromium), or pass --no-browser")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  printf 'smoke.sh needs:\n' >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 2
fi

mkdir -p "$SMOKE_ARTIFACTS"
EMPTY_ENV=$(mktemp)
COMPOSE=(docker compose --project-name "$PROJECT" --env-file "$EMPTY_ENV")

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  log "docker compose down -v (logs in $SMOKE_ARTIFACTS/compose.log)"
  bounded 60 "${COMPOSE[@]}" ps --all >"$SMOKE_ARTIFACTS/compose-ps.txt" 2>&1 || true
  bounded 120 "${COMPOSE[@]}" logs --no-color --timestamps >"$SMOKE_ARTIFACTS/compose.log" 2>&1 || true
  bounded "$STOP_TIMEOUT" "${COMPOSE[@]}" down -v --remove-orphans ||
    echo "docker compose down -v failed: remove the project $PROJECT by hand" >&2
  rm -f "$EMPTY_ENV"
  if [ "$status" -eq 0 ]; then
    log "smoke test passed"
  else
    log "smoke test FAILED (exit $status); see $SMOKE_ARTIFACTS"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "docker compose up -d --build (project $PROJECT)"
bounded "$BUILD_TIMEOUT" "${COMPOSE[@]}" up -d --build --wait --wait-timeout "$START_TIMEOUT"

log "waiting for the services"
wait_http ingester "$INGESTER_URL/api/health" "$START_TIMEOUT"
wait_http grafana "$GRAFANA_URL/api/health" "$START_TIMEOUT"
wait_http prometheus "$PROMETHEUS_URL/-/ready" "$START_TIMEOUT"

log "HTTP checks (scripts/smoke/checks.ts)"
bounded "$CHECKS_TIMEOUT" node_modules/.bin/tsx scripts/smoke/run-checks.ts

if [ "$BROWSER" = 1 ]; then
  log "every dashboard in headless Chromium (e2e/)"
  (cd e2e && bounded "$BROWSER_TIMEOUT" node_modules/.bin/playwright test)
fi
