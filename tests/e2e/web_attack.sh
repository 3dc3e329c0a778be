# vntld under attack, scaled down (issue 17): TCP connections that never
# send a ClientHello, slowloris headers, slow readers, too many connections
# from one address or in all. Each attack's connections are closed by its
# limit (counted in /metrics, and none held open by the server at the end)
# while an ordinary client keeps getting index.json and the lists without
# an error. tests/lib/web_attack.py drives both; scripts/soak-web-attack.sh
# runs the full-size attacks.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
pub="$VNTL_TMP/pub"
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 1 --pad 1500000
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$VNTL_TMP/tls" server
common="--publication-dir $pub --signer-cert $pub.keys/pki/list-signer.pem --tls-cert $VNTL_TMP/tls/server.pem --tls-key $VNTL_TMP/tls/server.key"
conf="$VNTL_TMP/vntl.conf"
# Latency is only bounded loosely: the machine is shared (and slower under ASan).
max_ms=5000
[ "${VNTL_SAN:-0}" = 1 ] && max_ms=15000

metric() { # NAME{LABELS} -> value
	curl -sk "$URL/metrics" | grep -F "$1 " | awk '{print $2}'
}
# attack MODE COUNT SECONDS: runs it, checks the ordinary client, prints the JSON
attack() {
	python3 "$VNTL_SRC/tests/lib/web_attack.py" "$PORT" "$1" "$2" "$3" >"$VNTL_TMP/$1.json" ||
		web_fail "$1: the attack script failed"
	python3 - "$VNTL_TMP/$1.json" "$max_ms" <<'PY' || web_fail "$1: $(cat "$VNTL_TMP/$1.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["opened"] > 0, "no attack connection opened"
assert r["probes"] >= 3, "too few ordinary requests made"
assert r["probe_errors"] == 0, "ordinary requests failed"
assert r["max_ms"] < int(sys.argv[2]), "ordinary requests too slow"
assert r["server_held_at_end"] == 0, "the server still held attack connections"
PY
	cat "$VNTL_TMP/$1.json"
}

cat >"$conf" <<CONF
server.handshake_timeout = 2
server.header_timeout = 2
server.send_timeout = 2
server.min_send_rate = 65536
CONF
web_start --config "$conf" $common

# --- connections that never start TLS: closed after the handshake timeout
attack idle 200 5
[ "$(metric 'vntld_connections_closed_total{limit="handshake-timeout"}')" -ge 200 ] ||
	web_fail "idle connections not counted as handshake timeouts: $(metric 'vntld_connections_closed_total{limit="handshake-timeout"}')"

# --- a header sent a byte a second: closed at the header deadline
attack slowloris 100 7
[ "$(metric 'vntld_connections_closed_total{limit="header-timeout"}')" -ge 50 ] ||
	web_fail "slowloris not closed by the header timeout: $(metric 'vntld_connections_closed_total{limit="header-timeout"}')"

# --- readers that take a few bytes now and then: closed as slow readers
attack slowread 50 6
[ "$(metric 'vntld_connections_closed_total{limit="slow-reader"}')" -ge 40 ] ||
	web_fail "slow readers not closed: $(metric 'vntld_connections_closed_total{limit="slow-reader"}')"
curl -sk "$URL/metrics" | grep -q '^vntld_connections_state{state="handshake"} ' || web_fail "no connection states in /metrics"
web_stop

# --- one address may hold server.per_ip_connections (the attack uses 16 addresses)
printf 'server.per_ip_connections = 5\nserver.handshake_timeout = 30\n' >"$conf"
web_start --config "$conf" $common
python3 "$VNTL_SRC/tests/lib/web_attack.py" "$PORT" idle 200 2 >"$VNTL_TMP/perip.json"
grep -q '"probe_errors": 0' "$VNTL_TMP/perip.json" || web_fail "per-address limit: $(cat "$VNTL_TMP/perip.json")"
refused=$(metric 'vntld_connections_closed_total{limit="per-address"}')
[ "$refused" -ge 100 ] || web_fail "per-address limit: only $refused refused"
web_stop

# --- the global limit: the server holds no more than server.max_connections
printf 'server.max_connections = 50\nserver.handshake_timeout = 30\n' >"$conf"
web_start --config "$conf" $common
python3 "$VNTL_SRC/tests/lib/web_attack.py" "$PORT" idle 100 2 >"$VNTL_TMP/global.json"
refused=$(metric 'vntld_connections_closed_total{limit="global"}')
[ "$refused" -ge 40 ] || web_fail "global limit: only $refused refused ($(cat "$VNTL_TMP/global.json"))"
web_stop
echo "web_attack: ok"
