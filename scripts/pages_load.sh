#!/usr/bin/env bash
# Page render latency on the demo city: a coordinator's pages (工作台, 需求清单, 需求详情 with its
# matches, 项目清单, 统计) served by the release binary, each under wrk for PAGES_SECONDS
# (default 20) with PAGES_CONNECTIONS (default 2: people on phones, not a crowd), p50 and p99.
# Beside them, the JSON the API answers for the same data, to tell the page's own cost.
#
#   scripts/pages_load.sh
#
# Needs wrk (apt-get install wrk), curl and jq. The demo's sentence embeddings are computed
# first (a few minutes), so that the embedder does not share the cores with the run.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${PAGES_SECONDS:-20}"
CONNECTIONS="${PAGES_CONNECTIONS:-2}"
PORT="${PAGES_PORT:-18090}"
BASE="http://127.0.0.1:$PORT"
DATA_DIR="$(mktemp -d)"

command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required (apt-get install jq)" >&2; exit 1; }
cargo build --release --quiet
unset LIANMENG_DATABASE_URL DATABASE_URL

LIANMENG_LOG=warn LIANMENG_DATA_DIR="$DATA_DIR" \
    ./target/release/lianmeng serve --demo --bind "127.0.0.1:$PORT" > "$DATA_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA_DIR"' EXIT
for _ in $(seq 1 300); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

echo "== waiting for the demo's embeddings (the embedder would otherwise share the cores)"
for _ in $(seq 1 1200); do
    left=$(curl -fsS "$BASE/metrics" | awk '/^lianmeng_embeddings_pending /{print $2}')
    [[ "${left:-1}" == "0" ]] && break
    sleep 1
done
echo "embeddings pending: ${left:-unknown}"

# Log in through the login page, as a browser does.
JAR="$DATA_DIR/cookies"
CSRF=$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/login" | grep -o 'name="_csrf" value="[^"]*"' | sed 's/.*value="//;s/"$//')
curl -fsS -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$CSRF" \
    --data-urlencode "username=xietiao" --data-urlencode "password=lianmeng2026" "$BASE/login"
SESSION=$(awk '$6 == "lm_session" {print $7}' "$JAR")
[[ -n "$SESSION" ]] || { echo "FAIL: no session cookie after login" >&2; exit 1; }
TOKEN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"username":"xietiao","password":"lianmeng2026"}' | jq -r .token)
NEED=$(curl -fsS "$BASE/api/v1/needs?status=open&per_page=1" -H "authorization: Bearer $TOKEN" | jq '.items[0].id')

cat > "$DATA_DIR/page.lua" <<LUA
wrk.headers["Cookie"] = "lm_session=$SESSION"
wrk.headers["Accept"] = "text/html"
LUA
cat > "$DATA_DIR/api.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
cat > "$DATA_DIR/report.lua" <<'LUA'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT requests=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d\n",
        summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, e.status))
end
LUA
run() { # label kind path
    local status
    if [[ "$2" == page ]]; then
        status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: lm_session=$SESSION" "$BASE$3")
    else
        status=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $TOKEN" "$BASE$3")
    fi
    [[ "$status" == 200 ]] || { echo "FAIL: $3 answered $status" >&2; exit 1; }
    cat "$DATA_DIR/$2.lua" "$DATA_DIR/report.lua" > "$DATA_DIR/run.lua"
    printf '%-34s ' "$1"
    wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$DATA_DIR/run.lua" "$BASE$3" | grep RESULT
}
echo "== pages and their JSON, $CONNECTIONS connections, ${SECONDS_PER_RUN}s each (need $NEED)"
run "page 工作台 /" page "/"
run "page 需求清单 /needs" page "/needs"
run "api  /api/v1/needs" api "/api/v1/needs?alliance_id=$(curl -fsS "$BASE/api/v1/auth/me" -H "authorization: Bearer $TOKEN" | jq .alliance_id)"
run "page 需求详情 /needs/$NEED" page "/needs/$NEED"
run "api  /api/v1/needs/$NEED/matches" api "/api/v1/needs/$NEED/matches"
run "page 项目清单 /projects" page "/projects"
run "page 统计 /stats" page "/stats"
