#!/usr/bin/env bash
# The README's test command, also on a fresh machine: installs what the tests need besides Node where
# it can, runs `npm ci` unless node_modules is current, then `npm test`. .ci/run runs it too.
#
#   scripts/test.sh            install what is missing, then test
#   scripts/test.sh --dry-run  say what is missing and what would run; change nothing
#
# Debian/Ubuntu: missing packages are installed with apt-get (through sudo when not root). macOS and
# other systems: it says what to install, and stops.
#
# `npm ci` runs when node_modules/.package-lock.json (npm's record of what it installed) is missing or
# older than package-lock.json, and always when CI=true. Otherwise node_modules is what the lockfile
# asks for, and `npm ci` would only delete and rebuild it (a minute or more, native modules included).
set -euo pipefail
cd "$(dirname "$0")/.."

# What the tests need besides Node, one line each: what the tests look for (a command on PATH, or an
# absolute path), the Debian/Ubuntu package that provides it, and how Homebrew installs it (macOS).
# Add a line for a new need; a package that starts a service may want a line in after_install.
REQUIREMENTS=(
  'promtool          prometheus  prometheus'      # metrics and provisioning tests
  'prometheus        prometheus  prometheus'      # the alert rules on a real Prometheus
  '/usr/bin/chromium chromium    --cask chromium' # the plugin's browser test (playwright-core)
  'shellcheck        shellcheck  shellcheck'      # scripts/**/*.sh and .ci/run
  'curl              curl        curl'            # smoke.sh's waits (ingester/test/smoke.test.ts)
  'initdb            postgresql  postgresql@15'   # throwaway PostgreSQL clusters (ingester/src/testing/postgres.ts)
)
NODE_MIN=20.18.1 # package.json "engines"

# After apt-get installed PACKAGE (only then).
after_install() {
  case "$1" in
    prometheus)
      # Debian's package also starts a Prometheus service on port 9090, which `docker compose up`
      # needs; the tests start Prometheus themselves.
      if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
        echo "Stopping and disabling the prometheus service the package started (port 9090 is docker compose's)."
        as_root systemctl disable --now prometheus
      fi
      ;;
    postgresql)
      # Debian's package also creates and starts a cluster on port 5432, which nothing here uses: the
      # tests start throwaway clusters of their own.
      if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet postgresql 2>/dev/null; then
        echo "Stopping and disabling the postgresql service the package started (the tests run their own clusters)."
        as_root systemctl disable --now postgresql
      fi
      ;;
  esac
}

# Advice for a requirement apt-get could not provide.
advice() {
  case "$1" in
    /usr/bin/chromium)
      echo "  The plugin's browser test runs /usr/bin/chromium (Debian's chromium package). Ubuntu ships"
      echo "  Chromium only as a snap: name a Chromium or Chrome binary in CHROMIUM_PATH, e.g."
      echo "  CHROMIUM_PATH=\"\$(command -v google-chrome)\" scripts/test.sh, or run the tests on Debian."
      ;;
  esac
}

DRY_RUN=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "test.sh: unknown option $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

ROOT_PREFIX=""
[ "$(id -u)" -eq 0 ] || ROOT_PREFIX="sudo "
as_root() { if [ -z "$ROOT_PREFIX" ]; then "$@"; else sudo "$@"; fi; }

# Debian keeps PostgreSQL's server programs in /usr/lib/postgresql/VERSION/bin, off PATH; PG_BINDIR names
# another directory (ingester/src/testing/postgres.ts looks in the same places).
initdb_path() {
  if [ -x "${PG_BINDIR:-/nonexistent}/initdb" ]; then
    echo "$PG_BINDIR/initdb"
  else
    command -v initdb 2>/dev/null || compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1
  fi
}

present() {
  case "$1" in
    # The browser test takes another Chromium or Chrome binary from CHROMIUM_PATH.
    /usr/bin/chromium) [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] ;;
    initdb) [ -n "$(initdb_path)" ] ;;
    /*) [ -x "$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# --- Node.js
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js $NODE_MIN or newer, with npm, is needed: https://nodejs.org/en/download (Debian 12's" >&2
  echo "nodejs package is too old; NodeSource or nvm have newer ones)." >&2
  exit 1
fi
if ! node -e '
  const want = process.argv[1].split(".").map(Number);
  const have = process.versions.node.split(".").map(Number);
  const cmp = have.map((n, i) => n - want[i]).find((d) => d !== 0) ?? 0;
  process.exit(cmp >= 0 ? 0 : 1);' "$NODE_MIN"; then
  echo "Node.js $(node --version) is too old: $NODE_MIN or newer is needed (https://nodejs.org/en/download)." >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"

# --- What the tests need besides Node
missing=()
for line in "${REQUIREMENTS[@]}"; do
  read -r what _ <<<"$line"
  if present "$what"; then
    case "$what" in
      /*) echo "found $what" ;;
      initdb) echo "found initdb ($(initdb_path))" ;;
      *) echo "found $what ($(command -v "$what"))" ;;
    esac
  else
    missing+=("$line")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  packages=()
  brew_formulas=()
  brew_casks=()
  for line in "${missing[@]}"; do
    read -r what package brew <<<"$line"
    echo "missing: $what (Debian/Ubuntu package $package)"
    [[ " ${packages[*]-} " == *" $package "* ]] || packages+=("$package")
    case "$brew" in
      --cask\ *) [[ " ${brew_casks[*]-} " == *" ${brew#--cask } "* ]] || brew_casks+=("${brew#--cask }") ;;
      *) [[ " ${brew_formulas[*]-} " == *" $brew "* ]] || brew_formulas+=("$brew") ;;
    esac
  done

  if [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null 2>&1; then
    install="${ROOT_PREFIX}env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages[*]}"
    if [ "$DRY_RUN" = 1 ]; then
      echo "would run: ${ROOT_PREFIX}apt-get update"
      echo "would run: $install"
    elif [ -n "$ROOT_PREFIX" ] && ! command -v sudo >/dev/null 2>&1; then
      echo "Not root and no sudo: as root, run" >&2
      echo "  apt-get update && ${install#sudo }" >&2
      exit 1
    else
      as_root apt-get update
      installable=()
      for package in "${packages[@]}"; do
        candidate=$(apt-cache policy "$package" | awk '/Candidate:/ { print $2 }')
        if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then
          installable+=("$package")
        else
          echo "apt-get has no package $package here." >&2
        fi
      done
      if [ "${#installable[@]}" -gt 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${installable[@]}"
        for package in "${installable[@]}"; do after_install "$package"; done
      fi
      still=0
      for line in "${missing[@]}"; do
        read -r what package _ <<<"$line"
        if present "$what"; then
          echo "installed $what (package $package)"
        else
          echo "still missing: $what (package $package)" >&2
          advice "$what" >&2
          still=1
        fi
      done
      [ "$still" = 0 ] || exit 1
    fi
  else
    {
      if [ "$(uname -s)" = Darwin ]; then
        echo "Install with Homebrew (https://brew.sh), then run this again:"
        [ "${#brew_formulas[@]}" -eq 0 ] || echo "  brew install ${brew_formulas[*]}"
        [ "${#brew_casks[@]}" -eq 0 ] || echo "  brew install --cask ${brew_casks[*]}"
        for line in "${missing[@]}"; do
          read -r what _ <<<"$line"
          if [ "$what" = /usr/bin/chromium ]; then
            echo "  The plugin's browser test needs the Chromium binary in CHROMIUM_PATH, e.g."
            echo "  CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium scripts/test.sh"
          fi
        done
      else
        echo "Install these (Debian/Ubuntu package names; yours may differ), then run this again:"
        echo "  ${packages[*]}"
      fi
    } >&2
    [ "$DRY_RUN" = 1 ] || exit 1
  fi
fi

# --- Dependencies, then the tests
if [ "${CI:-}" = true ] || [ ! -f node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if [ "$DRY_RUN" = 1 ]; then echo "would run: npm ci"; else npm ci; fi
else
  echo "node_modules is current (installed after package-lock.json last changed): no npm ci"
fi
if [ "$DRY_RUN" = 1 ]; then
  echo "would run: npm test"
  exit 0
fi
exec npm test
