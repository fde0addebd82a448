#!/usr/bin/env bash
# Load test against a running release server: create-resource and list throughput and
# latency, on SQLite (default) or PostgreSQL (LOAD_DATABASE_URL=postgres://…).
#
#   scripts/load.sh                       # SQLite in a temp data dir
#   LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianmeng_load scripts/load.sh
#
# Needs wrk (apt-get install wrk) and curl. Traffic goes to 127.0.0.1 only; each run is
# bounded by LOAD_SECONDS (default 20) per scenario.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${LOAD_SECONDS:-20}"
CONNECTIONS="${LOAD_CONNECTIONS:-32}"
PORT="${LOAD_PORT:-18080}"
BASE="http://127.0.0.1:$PORT"
DATA_DIR="$(mktemp -d)"
ADMIN_PASSWORD="load-admin-pass"

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required (apt-get install jq)" >&2; exit 1; }
cargo build --release --quiet

if [[ -n "${LOAD_DATABASE_URL:-}" ]]; then
    DB_NAME="${LOAD_DATABASE_URL##*/}"
    PG_ROOT="${LOAD_DATABASE_URL%/*}/postgres"
    psql "$PG_ROOT" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)"
    psql "$PG_ROOT" -qc "CREATE DATABASE $DB_NAME"
    export LIANMENG_DATABASE_URL="$LOAD_DATABASE_URL"
    ENGINE="PostgreSQL"
else
    unset LIANMENG_DATABASE_URL DATABASE_URL
    ENGINE="SQLite"
fi

LIANMENG_LOG=warn LIANMENG_DATA_DIR="$DATA_DIR" LIANMENG_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    ./target/release/lianmeng serve --bind "127.0.0.1:$PORT" > "$DATA_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA_DIR"' EXIT
for _ in $(seq 1 100); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

api() { # method path token [json]
    curl -fsS -X "$1" "$BASE$2" -H "authorization: Bearer $3" -H 'content-type: application/json' ${4:+-d "$4"}
}
ADMIN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r .token)
DISTRICT=$(api POST /api/v1/districts "$ADMIN" '{"code":"530102","name":"五华区"}' | jq .id)
STREET=$(api POST /api/v1/streets "$ADMIN" "{\"code\":\"530102001\",\"name\":\"华山街道\",\"district_id\":$DISTRICT}" | jq .id)
ORG=$(api POST /api/v1/organizations "$ADMIN" '{"name":"华山社区卫生服务中心","kind":"医疗卫生","contact_person":"李明","contact_phone":"0871-63123456"}' | jq .id)
api POST /api/v1/users "$ADMIN" "{\"username\":\"loader\",\"password\":\"loader-pass\",\"display_name\":\"压测\",\"role\":\"member\",\"organization_id\":$ORG}" >/dev/null
TOKEN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"username":"loader","password":"loader-pass"}' | jq -r .token)

LUA_DIR="$DATA_DIR/lua"
mkdir -p "$LUA_DIR"
cat > "$LUA_DIR/create.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"title":"社区义诊测血压血糖","description":"每周三上午在社区活动中心为居民免费测量血压血糖，提供健康咨询和用药指导。","category":"医疗健康","tags":["义诊","健康咨询","慢病管理"],"quantity":30,"scope_level":"street","scope_region_id":$STREET,"allow_duplicate":true}'
LUA
cat > "$LUA_DIR/list.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
cat > "$LUA_DIR/report.lua" <<'LUA'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
        summary.requests, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.status, e.connect + e.read + e.write + e.timeout))
end
LUA
cat "$LUA_DIR/create.lua" "$LUA_DIR/report.lua" > "$LUA_DIR/create_report.lua"
cat "$LUA_DIR/list.lua" "$LUA_DIR/report.lua" > "$LUA_DIR/list_report.lua"

echo "== $ENGINE: create resource (POST /api/v1/resources), $CONNECTIONS connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$LUA_DIR/create_report.lua" "$BASE/api/v1/resources" | tee "$DATA_DIR/create.txt"
CREATED=$(grep -o 'requests=[0-9]*' "$DATA_DIR/create.txt" | cut -d= -f2)
STORED=$(api GET "/api/v1/resources?per_page=1" "$TOKEN" | jq .total)
echo "RESULT wrk_completed=$CREATED stored_total=$STORED (stored >= completed: requests still in flight when wrk stops are stored but not counted)"
[[ "$STORED" -ge "$CREATED" ]] || { echo "FAIL: fewer rows stored than 201s answered" >&2; exit 1; }

if [[ "$ENGINE" == "PostgreSQL" ]]; then
    # Autovacuum would do this within a minute of a bulk insert; doing it now measures the
    # steady state rather than the planner's guesses about a table it has never analysed.
    psql "$LOAD_DATABASE_URL" -qc "VACUUM ANALYZE"
fi
echo "== $ENGINE: list resources (GET /api/v1/resources?per_page=20) over $STORED rows"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$LUA_DIR/list_report.lua" "$BASE/api/v1/resources?per_page=20&page=3" | tee "$DATA_DIR/list.txt"

if grep -qi "database is locked\|internal error" "$DATA_DIR/server.log"; then
    echo "FAIL: the server logged errors:" >&2
    grep -i "database is locked\|internal error" "$DATA_DIR/server.log" | head >&2
    exit 1
fi
