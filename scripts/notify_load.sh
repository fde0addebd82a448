#!/usr/bin/env bash
# Notification latency on the demo city: a member unit posts resources that fit a
# coordinator's open need; measured from the moment the write is sent to (a) the `match`
# notification appearing in the coordinator's list and (b) the signed `match.found` webhook
# call reaching a receiver on this machine.
#
#   scripts/notify_load.sh            # 50 samples; NOTIFY_SAMPLES=200 for more
#
# Needs curl, jq and python3. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

SAMPLES="${NOTIFY_SAMPLES:-50}"
PORT="${LOAD_PORT:-18091}"
HOOK_PORT="${HOOK_PORT:-18092}"
BASE="http://127.0.0.1:$PORT"
DATA_DIR="$(mktemp -d)"

command -v jq >/dev/null || { echo "jq is required (apt-get install jq)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
cargo build --release --quiet
unset LIANMENG_DATABASE_URL DATABASE_URL

# The receiver notes when each match.found call arrives (and checks nothing: the tests
# verify signatures; this measures time).
cat > "$DATA_DIR/receiver.py" <<'PY'
import http.server, json, sys, time
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        arrived = time.time_ns()
        event = json.loads(body)
        if event["event"] == "match.found":
            with open(sys.argv[2], "a") as f:
                f.write(f"{event['data']['resource']['id']} {arrived}\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
PY
: > "$DATA_DIR/hooks.txt"
python3 "$DATA_DIR/receiver.py" "$HOOK_PORT" "$DATA_DIR/hooks.txt" &
RECEIVER=$!

LIANMENG_LOG=warn LIANMENG_DATA_DIR="$DATA_DIR" LIANMENG_WEBHOOK_ALLOW_PRIVATE=true \
    ./target/release/lianmeng serve --demo --bind "127.0.0.1:$PORT" > "$DATA_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER $RECEIVER 2>/dev/null || true; wait $SERVER $RECEIVER 2>/dev/null || true; rm -rf "$DATA_DIR"' EXIT
for _ in $(seq 1 3000); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

login() {
    curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"lianmeng2026\"}" | jq -r .token
}
UNIT=$(login danwei)
COORD=$(login xietiao)
ALLIANCE=$(curl -fsS "$BASE/api/v1/auth/me" -H "authorization: Bearer $COORD" | jq .alliance_id)
post() {
    curl -fsS "$BASE$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"
}
post "/api/v1/alliances/$ALLIANCE/webhooks" "$COORD" \
    "{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"events\":[\"match.found\"]}" >/dev/null
NEED=$(post /api/v1/needs "$COORD" '{"title":"独居老人每日助餐送餐","category":"养老助残",
    "description":"辖区高龄独居老人做饭困难，希望每天中午有人送餐上门。","tags":["助餐","送餐"],
    "allow_duplicate":true}' | jq .id)
sleep 2

echo "== write → notification and webhook ($SAMPLES samples, need $NEED of alliance $ALLIANCE)"
: > "$DATA_DIR/notes.txt"
: > "$DATA_DIR/hooks_ms.txt"
for i in $(seq 1 "$SAMPLES"); do
    START=$(date +%s%N)
    ID=$(post /api/v1/resources "$UNIT" "{\"title\":\"老年食堂送餐上门第${i}批\",\"category\":\"养老助残\",
        \"description\":\"为独居老人每天中午送餐上门，两荤一素一汤。\",\"tags\":[\"送餐\",\"助餐\"],
        \"scope_level\":\"city\",\"allow_duplicate\":true}" | jq .id)
    until curl -fsS "$BASE/api/v1/notifications?kind=match&per_page=100" -H "authorization: Bearer $COORD" \
        | jq -e --argjson r "$ID" --argjson n "$NEED" \
            'any(.items[]; .resource_id == $r and .need_id == $n)' >/dev/null; do
        (( ($(date +%s%N) - START) / 1000000 < 10000 )) || { echo "FAIL: no notification after 10 s" >&2; exit 1; }
    done
    echo $(( ($(date +%s%N) - START) / 1000 )) >> "$DATA_DIR/notes.txt"
    until grep -q "^$ID " "$DATA_DIR/hooks.txt"; do
        (( ($(date +%s%N) - START) / 1000000 < 10000 )) || { echo "FAIL: no webhook call after 10 s" >&2; exit 1; }
        sleep 0.005
    done
    ARRIVED=$(awk -v id="$ID" '$1 == id {print $2; exit}' "$DATA_DIR/hooks.txt")
    echo $(( (ARRIVED - START) / 1000 )) >> "$DATA_DIR/hooks_ms.txt"
done
report() {
    sort -n "$1" | awk -v what="$2" '{a[NR]=$1} END {printf "RESULT %s p50=%.0f p99=%.0f max=%.0f ms\n", what, a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[NR]/1000}'
}
report "$DATA_DIR/notes.txt" "write_to_notification_ms"
report "$DATA_DIR/hooks_ms.txt" "write_to_webhook_ms"
