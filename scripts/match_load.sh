#!/usr/bin/env bash
# Matching load test on the demo city: need→resources matches over HTTP (wrk), and
# write-to-matchable freshness (create a resource, poll search until it is found).
#
#   scripts/match_load.sh                        # SQLite demo city (2,037 resources)
#   LOAD_SYNTHETIC=1000000 scripts/match_load.sh # plus a million synthetic resources
#
# Needs wrk, curl and jq. Traffic goes to 127.0.0.1 only, bounded by LOAD_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${LOAD_SECONDS:-20}"
CONNECTIONS="${LOAD_CONNECTIONS:-16}"
PORT="${LOAD_PORT:-18090}"
BASE="http://127.0.0.1:$PORT"
DATA_DIR="$(mktemp -d)"

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required (apt-get install jq)" >&2; exit 1; }
cargo build --release --quiet
unset LIANMENG_DATABASE_URL DATABASE_URL
if [[ -n "${LOAD_SYNTHETIC:-}" ]]; then
    echo "== seeding the demo city and $LOAD_SYNTHETIC synthetic resources"
    LIANMENG_LOG=warn LIANMENG_DATA_DIR="$DATA_DIR" ./target/release/lianmeng seed --demo --synthetic "$LOAD_SYNTHETIC"
fi

LIANMENG_LOG=warn,lianmeng::search::embedder=info LIANMENG_DATA_DIR="$DATA_DIR" ./target/release/lianmeng serve --demo --bind "127.0.0.1:$PORT" \
    > "$DATA_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA_DIR"' EXIT
for _ in $(seq 1 3000); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"username":"danwei","password":"lianmeng2026"}' | jq -r .token)
NEEDS=$(curl -fsS "$BASE/api/v1/needs?per_page=1" -H "authorization: Bearer $TOKEN" | jq .total)
RESOURCES=$(curl -fsS "$BASE/api/v1/resources?per_page=1" -H "authorization: Bearer $TOKEN" | jq .total)
# Let the indexer finish the demo city before measuring.
for _ in $(seq 1 300); do
    FOUND=$(curl -fsS "$BASE/api/v1/search?q=%E5%81%A5%E5%BA%B7&per_page=1" -H "authorization: Bearer $TOKEN" | jq .total)
    [[ "$FOUND" -gt 0 ]] && break; sleep 0.2
done
sleep 2

cat > "$DATA_DIR/matches.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
math.randomseed(42)
request = function()
    return wrk.format("GET", "/api/v1/needs/" .. math.random(1, $NEEDS) .. "/matches?limit=10")
end
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\\n",
        summary.requests, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.status, e.connect + e.read + e.write + e.timeout))
end
LUA
echo "== need→resources matches over HTTP ($NEEDS needs, $RESOURCES resources), $CONNECTIONS connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$DATA_DIR/matches.lua" "$BASE" | grep -E "RESULT|Latency|99%"

echo "== write-to-matchable freshness (100 samples)"
: > "$DATA_DIR/fresh.txt"
for i in $(seq 1 100); do
    WORD="鲜度测试$(printf '%03d' "$i")号"
    START=$(date +%s%N)
    curl -fsS "$BASE/api/v1/resources" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
        -d "{\"title\":\"$WORD 社区义诊\",\"category\":\"医疗健康\",\"scope_level\":\"city\",\"allow_duplicate\":true}" >/dev/null
    Q=$(jq -rn --arg q "$WORD" '$q|@uri')
    until [[ "$(curl -fsS "$BASE/api/v1/search?q=$Q&per_page=1" -H "authorization: Bearer $TOKEN" | jq .total)" -gt 0 ]]; do
        (( ($(date +%s%N) - START) / 1000000 < 10000 )) || { echo "FAIL: not searchable after 10 s" >&2; exit 1; }
    done
    echo $(( ($(date +%s%N) - START) / 1000 )) >> "$DATA_DIR/fresh.txt"
done
sort -n "$DATA_DIR/fresh.txt" | awk '{a[NR]=$1} END {printf "RESULT freshness_ms p50=%.1f p99=%.1f max=%.1f (write answered + polled until searchable)\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[NR]/1000}'
# Write → matchable by meaning, at 5 writes a second, once the start-up sweep has embedded the
# demo city (a match by meaning needs both sides' vectors): each write is a resource in the
# words of an open need, so its nearest need by meaning is that one; it is matchable by meaning
# once its matches carry 「意思相近」, which needs its own vector (before that none can). Polled
# once a second: up to a hundred writes wait at once, and polling each faster would load the
# two cores with matches more than the writes do.
if [[ "${LIANMENG_EMBEDDINGS:-on}" != off ]]; then
    PENDING() { curl -fsS "$BASE/metrics" | awk '$1 == "lianmeng_embeddings_pending" {print $2}'; }
    echo "== embedding the demo city ($(PENDING) rows pending; at most 20 min)"
    for _ in $(seq 1 1200); do [[ "$(PENDING)" == 0 ]] && break; sleep 1; done
    [[ "$(PENDING)" == 0 ]] || { echo "FAIL: the start-up sweep did not finish in 20 min" >&2; exit 1; }
    grep -E "embedding a backlog|backlog embedded" "$DATA_DIR/server.log" | sed 's/\x1b\[[0-9;]*m//g' | tail -2
    echo "== write-to-matchable by meaning (100 writes, 5 a second)"
    curl -fsS "$BASE/api/v1/needs?per_page=100&status=open" -H "authorization: Bearer $TOKEN" \
        | jq -c '.items[] | {title, description, category}' > "$DATA_DIR/need_texts.jsonl"
    : > "$DATA_DIR/meaning.txt"
    sample() {
        local start body id
        start=$(date +%s%N)
        body=$(jq -c '{title: ("义务" + .title), description, category, scope_level: "city", allow_duplicate: true}' <<< "$1")
        id=$(curl -fsS "$BASE/api/v1/resources" -H "authorization: Bearer $TOKEN" \
            -H 'content-type: application/json' -d "$body" | jq .id)
        until curl -fsS "$BASE/api/v1/resources/$id/matches?limit=10" -H "authorization: Bearer $TOKEN" \
            | jq -e 'any(.items[]; .reasons.similar_meaning)' >/dev/null; do
            (( ($(date +%s%N) - start) / 1000000 < 60000 )) || { echo "not matchable by meaning after 60 s" >> "$DATA_DIR/meaning.txt"; return; }
            sleep 1
        done
        echo $(( ($(date +%s%N) - start) / 1000 )) >> "$DATA_DIR/meaning.txt"
    }
    SAMPLES=()
    while read -r need; do
        sample "$need" &
        SAMPLES+=($!)
        sleep 0.2
    done < "$DATA_DIR/need_texts.jsonl"
    wait "${SAMPLES[@]}"
    grep -v "not matchable" "$DATA_DIR/meaning.txt" | sort -n | awk '{a[NR]=$1} END {printf "RESULT meaning_freshness_ms n=%d p50=%.0f p99=%.0f max=%.0f (write answered + polled every second until a match says 意思相近)\n", NR, a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[NR]/1000}'
    if grep -q "not matchable" "$DATA_DIR/meaning.txt"; then
        echo "FAIL: $(grep -c "not matchable" "$DATA_DIR/meaning.txt") writes not matchable by meaning after 60 s" >&2; exit 1
    fi
fi
echo "RESULT index_mb=$(( $(du -sk "$DATA_DIR/index" | cut -f1) / 1024 )) database_mb=$(( $(du -sk "$DATA_DIR/lianmeng.db" | cut -f1) / 1024 ))"
# RSS counts the index pages the kernel keeps mapped (file-backed, reclaimable page cache)
# as well as the process's own memory (anonymous): both are shown.
kb() { awk -v k="$1:" '$1 == k {print $2}' /proc/$SERVER/status; }
echo "RESULT server_rss_mb=$(( $(kb VmRSS) / 1024 )) anonymous_mb=$(( $(kb RssAnon) / 1024 )) file_backed_mb=$(( $(kb RssFile) / 1024 ))"
