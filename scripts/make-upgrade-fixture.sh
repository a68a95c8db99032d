#!/usr/bin/env bash
# Makes one upgrade fixture: a small SQLite database written by an EARLIER version of the ingester, with
# that version's own code, from a sync against that version's own simulator.
#
#   scripts/make-upgrade-fixture.sh COMMIT
#
# It checks COMMIT out in a temporary git worktree (the working tree is never touched), links this
# checkout's node_modules into it (the runtime dependencies have not changed since the first commit;
# the workspaces, @copilot-metrics/*, are the worktree's own), starts `npm run ingester -- simulate`
# there, runs that version's `npm run ingester -- sync` with the options below, and writes
#   ingester/test/fixtures/upgrades/schema-NNN-<short hash>.sqlite.gz   (gzip -9n of the database)
#   ingester/test/fixtures/upgrades/schema-NNN-<short hash>.json        (how it was made)
# NNN is the database's PRAGMA user_version. ingester/test/upgrades.test.ts opens every fixture listed
# there with today's code and compares every answer with a fresh sync of the same simulator data.
#
# Every new migration adds its fixture: run this at the last commit before the migration's commit
# (the newest code that writes the previous schema) and commit the two files.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

COMMIT=${1:?usage: scripts/make-upgrade-fixture.sh COMMIT}
# The simulator data and the days synced: the test repeats exactly these (keep them in step with
# ingester/test/upgrades.test.ts, which reads them from the .json file).
SEED=7
USERS=30
ORGS=2
FROM=2026-11-02
TO=2026-11-06

HASH=$(git rev-parse --short=7 "$COMMIT^{commit}")
FULL=$(git rev-parse "$COMMIT^{commit}")
WORK=$(mktemp -d /tmp/upgrade-fixture.XXXXXX)
TREE="$WORK/tree"
SIM_PID=
cleanup() {
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; fi
  git -C "$ROOT" worktree remove --force "$TREE" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

git worktree add --detach "$TREE" "$FULL" >/dev/null
mkdir "$TREE/node_modules"
for entry in "$ROOT"/node_modules/* "$ROOT"/node_modules/.bin; do
  name=$(basename "$entry")
  [ "$name" = "@copilot-metrics" ] && continue
  ln -s "$entry" "$TREE/node_modules/$name"
done
mkdir "$TREE/node_modules/@copilot-metrics"
for workspace in contract ingester dashboards plugin; do
  if [ -d "$TREE/$workspace" ]; then ln -s "../../$workspace" "$TREE/node_modules/@copilot-metrics/$workspace"; fi
done

PORT=$((20000 + RANDOM % 20000))
cd "$TREE"
npm run --silent ingester -- simulate --port "$PORT" --seed "$SEED" --users "$USERS" --orgs "$ORGS" >"$WORK/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 100); do
  grep -q 'listening' "$WORK/simulator.log" && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/simulator.log"; exit 1; }
  sleep 0.2
done
ENTERPRISE=$(sed -n 's/^ *enterprise: *//p' "$WORK/simulator.log")
ORG_LIST=$(sed -n 's/^ *orgs: *//p' "$WORK/simulator.log" | tr -d ' ')

DB="$WORK/fixture.db"
GITHUB_API_URL="http://127.0.0.1:$PORT" GITHUB_TOKEN=test DATABASE_PATH="$DB" LOG_LEVEL=warn \
  COPILOT_ENTERPRISES="$ENTERPRISE" COPILOT_ORGS="$ORG_LIST" \
  npm run --silent ingester -- sync --from "$FROM" --to "$TO"
kill "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
SIM_PID=

cd "$ROOT"
VERSION=$(node -e "const D=require('better-sqlite3');const d=new D(process.argv[1],{readonly:true});console.log(d.pragma('user_version',{simple:true}))" "$DB")
# Some versions end `sync` without closing the database, which leaves the last transactions in the -wal
# file. Fold it into the database file (a checkpoint: SQLite copies the committed pages, nothing else
# changes) so the fixture is one file.
CHECKPOINTED=false
if [ -e "$DB-wal" ]; then
  node -e "const D=require('better-sqlite3');const d=new D(process.argv[1]);d.pragma('wal_checkpoint(TRUNCATE)');d.close()" "$DB"
  CHECKPOINTED=true
fi
[ -e "$DB-wal" ] && { echo "could not fold the -wal file into the database" >&2; exit 1; }
TODAY=$(node -e "const D=require('better-sqlite3');const d=new D(process.argv[1],{readonly:true});console.log(d.prepare('SELECT max(substr(fetched_at,1,10)) AS t FROM reports').get().t)" "$DB")
NAME=$(printf 'schema-%03d-%s' "$VERSION" "$HASH")
OUT=ingester/test/fixtures/upgrades
mkdir -p "$OUT"
gzip -9n <"$DB" >"$OUT/$NAME.sqlite.gz"
cat >"$OUT/$NAME.json" <<EOF
{
  "schemaVersion": $VERSION,
  "commit": "$FULL",
  "subject": $(git show -s --format=%s "$FULL" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.stringify(s.trim())))'),
  "simulator": { "seed": $SEED, "users": $USERS, "orgs": $ORGS },
  "enterprises": ["$ENTERPRISE"],
  "orgs": $(node -e 'console.log(JSON.stringify(process.argv[1].split(",")))' "$ORG_LIST"),
  "from": "$FROM",
  "to": "$TO",
  "syncedOn": "$TODAY",
  "command": "${BILLING:+BILLING=$BILLING }npm run ingester -- sync --from $FROM --to $TO",
  "walCheckpointed": $CHECKPOINTED
}
EOF
npx --no-install prettier --write "$OUT/$NAME.json" >/dev/null
echo "$OUT/$NAME.sqlite.gz ($(wc -c <"$OUT/$NAME.sqlite.gz") bytes, schema $VERSION, commit $HASH, synced on $TODAY)"
