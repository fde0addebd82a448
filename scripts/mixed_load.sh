#!/usr/bin/env bash
# Mixed traffic on the demo city plus synthetic resources: 80 % reads (matches, lists,
# search), 15 % need posts, 5 % project proposals, at several connection counts; then, on
# PostgreSQL, the database restarted under load (the service must reconnect, /readyz must
# say so meanwhile, and no acknowledged write may be lost); and, run as root, the index
# directory's disk full under load (the index on a tmpfs, filled up: writes must still land,
# and the index must catch up once space returns).
#
#   scripts/mixed_load.sh                                                     # SQLite
#   MIXED_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianmeng_mixed scripts/mixed_load.sh
#
# MIXED_SYNTHETIC (default 100000) synthetic resources, MIXED_CONNECTIONS (default
# "16 64 256"; empty: only the faults), MIXED_SECONDS (default 20) per run, MIXED_DISK_FULL=0
# to skip the disk fault. Needs wrk, curl, jq (and sqlite3 for the disk fault on SQLite).
# Traffic goes to 127.0.0.1 only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."

SYNTHETIC="${MIXED_SYNTHETIC:-100000}"
CONNECTIONS="${MIXED_CONNECTIONS-16 64 256}"
SECONDS_PER_RUN="${MIXED_SECONDS:-20}"
PORT="${MIXED_PORT:-18095}"
BASE="http://127.0.0.1:$PORT"
DATA_DIR="$(mktemp -d)"
BIN=./target/release/lianmeng

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required (apt-get install jq)" >&2; exit 1; }
cargo build --release --quiet

unset LIANMENG_DATABASE_URL DATABASE_URL
ENGINE=SQLite
if [[ -n "${MIXED_DATABASE_URL:-}" ]]; then
    DB_NAME="${MIXED_DATABASE_URL##*/}"
    PG_ROOT="${MIXED_DATABASE_URL%/*}/postgres"
    psql "$PG_ROOT" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)"
    psql "$PG_ROOT" -qc "CREATE DATABASE $DB_NAME"
    export LIANMENG_DATABASE_URL="$MIXED_DATABASE_URL"
    ENGINE=PostgreSQL
fi
export LIANMENG_LOG=warn LIANMENG_DATA_DIR="$DATA_DIR"
INDEX_DIR="$DATA_DIR/index"
DISK_FAULT=""
if [[ "${MIXED_DISK_FULL:-1}" == 1 ]]; then
    mkdir -p "$INDEX_DIR"
    if mount -t tmpfs -o size=1g tmpfs "$INDEX_DIR" 2>/dev/null; then
        DISK_FAULT=1
    else
        echo "(not root: the disk-full fault is skipped)"
    fi
fi

echo "== $ENGINE: seeding the demo city and $SYNTHETIC synthetic resources"
SEED_START=$(date +%s)
"$BIN" seed --demo --synthetic "$SYNTHETIC" > "$DATA_DIR/seed.log" 2>&1
echo "seeded in $(( $(date +%s) - SEED_START )) s"

"$BIN" serve --bind "127.0.0.1:$PORT" > "$DATA_DIR/server.log" 2>&1 &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    [[ -n "$DISK_FAULT" ]] && umount "$INDEX_DIR" 2>/dev/null
    if [[ -n "${MIXED_KEEP:-}" ]]; then
        mkdir -p "$MIXED_KEEP" && cp "$DATA_DIR"/*.log "$DATA_DIR"/*.txt "$DATA_DIR"/acked "$DATA_DIR"/ready "$MIXED_KEEP"/ 2>/dev/null || true
    fi
    rm -rf "$DATA_DIR"
}
trap cleanup EXIT
for _ in $(seq 1 3000); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

login() {
    curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"lianmeng2026\"}" | jq -r .token
}
TOKEN=$(login xietiao)
api() { curl -fsS "$BASE$1" -H "authorization: Bearer $TOKEN"; }
ALLIANCE=$(api /api/v1/auth/me | jq .alliance_id)
NEEDS=$(api "/api/v1/needs?per_page=1" | jq .total)
# Open needs of the coordinator's alliance with their best match: the project proposals.
PAIRS=""
for NEED in $(api "/api/v1/needs?alliance_id=$ALLIANCE&status=open&per_page=50" | jq '.items[].id'); do
    R=$(api "/api/v1/needs/$NEED/matches?limit=1" | jq '.items[0].resource.id // empty')
    [[ -n "$R" ]] && PAIRS="$PAIRS{$NEED,$R},"
done
[[ -n "$PAIRS" ]] || PAIRS="{0,0},"
echo "$NEEDS needs; $(grep -o '{' <<< "$PAIRS" | wc -l) need-resource pairs for proposals"

# Search words, percent-encoded (wrk refuses a request line that is not plain ASCII).
WORDS=""
for W in 老人 助餐 法律咨询 义诊 四点半课堂 电动车充电 心理 维修; do
    WORDS="$WORDS\"$(jq -rn --arg w "$W" '$w|@uri')\","
done

cat > "$DATA_DIR/mixed.lua" <<LUA
local token = "Bearer $TOKEN"
local pairs_ = { $PAIRS }
local words = { $WORDS }
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
    math.randomseed(os.time() + math.random(1000))
    c5xx, c4xx, n = 0, 0, 0
end
local json = { ["Authorization"] = token, ["Content-Type"] = "application/json" }
local auth = { ["Authorization"] = token }
request = function()
    n = n + 1
    local r = math.random(100)
    if r <= 30 then
        return wrk.format("GET", "/api/v1/needs/" .. math.random(1, $NEEDS) .. "/matches?limit=10", auth)
    elseif r <= 50 then
        return wrk.format("GET", "/api/v1/resources?per_page=20&page=" .. math.random(1, 50), auth)
    elseif r <= 65 then
        return wrk.format("GET", "/api/v1/needs?per_page=20&page=" .. math.random(1, 50), auth)
    elseif r <= 80 then
        return wrk.format("GET", "/api/v1/search?type=resource&q=" .. words[math.random(#words)], auth)
    elseif r <= 95 then
        local body = '{"alliance_id":$ALLIANCE,"title":"压测需求' .. n .. '","description":"楼道灯坏了，老人上下楼不方便。","category":"环境治理","allow_duplicate":true}'
        return wrk.format("POST", "/api/v1/needs", json, body)
    else
        local p = pairs_[math.random(#pairs_)]
        local body = '{"need_id":' .. p[1] .. ',"resource_ids":[' .. p[2] .. '],"title":"压测对接项目"}'
        return wrk.format("POST", "/api/v1/projects", json, body)
    end
end
response = function(status, headers, body)
    if status >= 500 then
        c5xx = c5xx + 1
        if c5xx <= 3 then io.stderr:write("5xx " .. status .. " " .. string.sub(body, 1, 300) .. "\n") end
    elseif status >= 400 then
        c4xx = c4xx + 1
    end
end
done = function(summary, latency, requests)
    local t5, t4 = 0, 0
    for _, t in ipairs(threads) do t5 = t5 + t:get("c5xx"); t4 = t4 + t:get("c4xx") end
    local e = summary.errors
    io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f 5xx=%d 4xx=%d socket_errors=%d\n",
        summary.requests, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        t5, t4, e.connect + e.read + e.write + e.timeout))
end
LUA

FAILED=0
for C in $CONNECTIONS; do
    echo "== $ENGINE: mixed traffic, $C connections, ${SECONDS_PER_RUN}s"
    wrk -t2 -c"$C" -d"${SECONDS_PER_RUN}s" --timeout 30s --latency -s "$DATA_DIR/mixed.lua" "$BASE" \
        | tee "$DATA_DIR/run.txt" | grep RESULT
    grep -q "RESULT.* 5xx=0 " "$DATA_DIR/run.txt" || { echo "FAIL: 5xx answers" >&2; FAILED=1; }
done

if [[ "$ENGINE" == PostgreSQL ]]; then
    echo "== $ENGINE restarted under load (64 connections)"
    wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --timeout 30s --latency -s "$DATA_DIR/mixed.lua" "$BASE" \
        > "$DATA_DIR/fault.txt" 2> "$DATA_DIR/fault-errors.txt" &
    WRK=$!
    # Acknowledged writes, each with a title of its own, and what /readyz says meanwhile.
    : > "$DATA_DIR/acked"
    : > "$DATA_DIR/ready"
    (
        for i in $(seq 1 400); do
            CODE=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "$BASE/api/v1/needs" \
                -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
                -d "{\"alliance_id\":$ALLIANCE,\"title\":\"故障期间需求$i\",\"category\":\"环境治理\",\"allow_duplicate\":true}")
            [[ "$CODE" == 201 ]] && echo "$i" >> "$DATA_DIR/acked"
            sleep 0.04
        done
    ) &
    WRITER=$!
    (
        for _ in $(seq 1 300); do
            echo "$(date +%s.%N) $(curl -s -o /dev/null -w '%{http_code}' -m 2 "$BASE/readyz")" >> "$DATA_DIR/ready"
            sleep 0.1
        done
    ) &
    READY=$!
    sleep 5
    RESTART_AT=$(date +%s.%N)
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main restart
    echo "PostgreSQL restarted in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $RESTART_AT}") s"
    wait "$WRK" || true
    wait "$WRITER" || true
    kill "$READY" 2>/dev/null || true
    grep RESULT "$DATA_DIR/fault.txt" || true
    sort "$DATA_DIR/fault-errors.txt" | uniq -c | head -5
    ACKED=$(wc -l < "$DATA_DIR/acked")
    STORED=$(psql "$MIXED_DATABASE_URL" -Atc "SELECT COUNT(*) FROM needs WHERE title LIKE '故障期间需求%'")
    NOT_READY=$(awk '$2 != 200' "$DATA_DIR/ready" | wc -l)
    echo "readyz answers during the run: $(awk '{print $2}' "$DATA_DIR/ready" | sort | uniq -c | tr '\n' ' ')"
    READY_AFTER=$(tail -n 20 "$DATA_DIR/ready" | awk '$2 == 200' | wc -l)
    echo "RESULT acknowledged_writes=$ACKED stored=$STORED readyz_not_ready_samples=$NOT_READY readyz_ready_at_end=$READY_AFTER/20"
    [[ "$STORED" -ge "$ACKED" ]] || { echo "FAIL: acknowledged writes lost" >&2; FAILED=1; }
    [[ "$READY_AFTER" -eq 20 ]] || { echo "FAIL: not ready again after the restart" >&2; FAILED=1; }
    curl -fsS "$BASE/api/v1/needs?per_page=1" -H "authorization: Bearer $TOKEN" >/dev/null \
        || { echo "FAIL: the service did not reconnect" >&2; FAILED=1; }
fi

gauge() { curl -fsS "$BASE/metrics" | awk -v n="$1" '$1 == n {print $2}'; }
if [[ -n "$DISK_FAULT" ]]; then
    echo "== $ENGINE: the index directory's disk full under load (64 connections)"
    # Every free block taken by one file beside the index (tantivy only deletes files it made).
    fallocate -l "$(df --output=avail -B1 "$INDEX_DIR" | tail -n1 | tr -d ' ')" "$INDEX_DIR/.filler"
    wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --timeout 30s --latency -s "$DATA_DIR/mixed.lua" "$BASE" \
        > "$DATA_DIR/disk.txt" 2> "$DATA_DIR/disk-errors.txt" &
    WRK=$!
    : > "$DATA_DIR/acked-disk"
    for i in $(seq 1 300); do
        CODE=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "$BASE/api/v1/needs" \
            -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
            -d "{\"alliance_id\":$ALLIANCE,\"title\":\"磁盘满时需求$i\",\"category\":\"环境治理\",\"allow_duplicate\":true}")
        [[ "$CODE" == 201 ]] && echo "$i" >> "$DATA_DIR/acked-disk"
        sleep 0.04
    done
    wait "$WRK" || true
    grep RESULT "$DATA_DIR/disk.txt" || true
    FAILING=$(gauge lianmeng_search_index_failing)
    LAG=$(gauge lianmeng_search_index_lag)
    echo "while full: index failing=$FAILING, lag=$LAG outbox rows; $(df -h --output=used,size "$INDEX_DIR" | tail -n1)"
    rm "$INDEX_DIR/.filler"
    FREED=$(date +%s.%N)
    for _ in $(seq 1 1200); do
        [[ "$(gauge lianmeng_search_index_lag)" == 0 && "$(gauge lianmeng_search_index_failing)" == 0 ]] && break
        sleep 0.1
    done
    CAUGHT_UP=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $FREED}")
    ACKED=$(wc -l < "$DATA_DIR/acked-disk")
    if [[ "$ENGINE" == PostgreSQL ]]; then
        STORED=$(psql "$MIXED_DATABASE_URL" -Atc "SELECT COUNT(*) FROM needs WHERE title LIKE '磁盘满时需求%'")
    else
        STORED=$(sqlite3 "$DATA_DIR/lianmeng.db" "SELECT COUNT(*) FROM needs WHERE title LIKE '磁盘满时需求%'")
    fi
    Q=$(jq -rn --arg w "磁盘满时需求" '$w|@uri')
    SEARCHABLE=$(api "/api/v1/search?type=need&q=$Q&per_page=1" | jq .total)
    echo "RESULT acknowledged_writes=$ACKED stored=$STORED searchable=$SEARCHABLE failing_while_full=$FAILING caught_up_in_s=$CAUGHT_UP"
    grep -q "RESULT.* 5xx=0 " "$DATA_DIR/disk.txt" || { echo "FAIL: 5xx answers with the disk full" >&2; FAILED=1; }
    [[ "$FAILING" == 1 ]] || { echo "FAIL: the disk never filled (or the failure went unreported)" >&2; FAILED=1; }
    [[ "$ACKED" -eq 300 && "$STORED" -ge "$ACKED" ]] || { echo "FAIL: writes refused or lost with the disk full" >&2; FAILED=1; }
    [[ "$SEARCHABLE" -ge "$ACKED" ]] || { echo "FAIL: the index did not catch up" >&2; FAILED=1; }
fi

if grep -q "panicked at" "$DATA_DIR/server.log"; then
    echo "FAIL: the server panicked:" >&2
    grep -B2 -A8 "panicked at" "$DATA_DIR/server.log" | head -40 >&2
    FAILED=1
fi
exit "$FAILED"
