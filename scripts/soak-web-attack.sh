#!/bin/sh
# vntld under the full-size attacks of issue 17, on loopback, with the
# default limits: ordinary clients (a new TLS connection for index.json and
# two lists every 0.1 s) measured while
#   idle       TCP connections that never send a TLS ClientHello
#   slowloris  TLS connections sending a request header a byte a second
#   slowread   TLS connections that ask for an 8 MB list and read 16 B / 2 s
# Each attack runs RUNS times on a fresh vntld; prints per attack the
# min/median/max over the runs of the ordinary clients' p50, p99 and max
# latency, their errors, the attack connections the server still held at
# the end, and what /metrics counted as closed by each limit. A first line
# "none" measures the ordinary clients alone, for comparison.
#   scripts/soak-web-attack.sh [BUILD_DIR]
# Environment: RUNS (3), IDLE (10000), SLOWLORIS (1000), SLOWREAD (500),
# SECONDS_EACH (25), MODES ("none idle slowloris slowread"), VNTLD_CONFIG (a
# configuration file for vntld, e.g. with server.per_ip_connections = 0).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build/release}" && pwd)
runs=${RUNS:-3}
each=${SECONDS_EACH:-25}
[ -x "$build/vntld" ] || { echo "soak-web-attack: $build/vntld missing: run make first" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/soak-web-attack.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp" "$tmp.keys" "$tmp/pub.keys"; }
trap cleanup EXIT
trap 'exit 130' INT # a signal ends the script (then the EXIT trap cleans up)
trap 'exit 143' TERM
export VNTL_BUILD="$build" VNTL_SRC="$src" VNTL_TMP="$tmp"
sh "$src/tests/lib/web_publish.sh" "$tmp/pub" 1 --pad 8000000 >/dev/null
sh "$src/tests/lib/web_make_tls.sh" "$tmp/tls" server >/dev/null

start() {
	: >"$tmp/vntld.log"
	"$build/vntld" ${VNTLD_CONFIG:+--config "$VNTLD_CONFIG"} --listen 127.0.0.1 --port 0 --publication-dir "$tmp/pub" \
		--signer-cert "$tmp/pub.keys/pki/list-signer.pem" \
		--tls-cert "$tmp/tls/server.pem" --tls-key "$tmp/tls/server.key" 2>"$tmp/vntld.log" &
	pid=$!
	port=""
	for _ in $(seq 200); do
		port=$(sed -n 's/.*event=listening .*port=\([0-9]*\).*/\1/p' "$tmp/vntld.log")
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || { echo "soak-web-attack: vntld did not start" >&2; cat "$tmp/vntld.log" >&2; exit 1; }
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }

for mode in ${MODES:-none idle slowloris slowread}; do
	case $mode in
	none) count=0 ;; # the baseline: the ordinary clients alone
	idle) count=${IDLE:-10000} ;;
	slowloris) count=${SLOWLORIS:-1000} ;;
	slowread) count=${SLOWREAD:-500} ;;
	esac
	: >"$tmp/$mode.runs"
	for _ in $(seq "$runs"); do
		start
		python3 "$src/tests/lib/web_attack.py" "$port" "$(echo "$mode" | sed 's/none/idle/')" "$count" "$each" >"$tmp/run.json"
		curl -sk "https://127.0.0.1:$port/metrics" | grep '^vntld_connections_closed_total' >"$tmp/closed"
		python3 - "$tmp/run.json" "$tmp/closed" >>"$tmp/$mode.runs" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for line in open(sys.argv[2]):
    name, value = line.split()
    r["closed:" + name.split('"')[1]] = int(float(value))
print(json.dumps(r))
PY
		stop
	done
	python3 - "$mode" "$count" "$tmp/$mode.runs" <<'PY'
import json, statistics, sys
mode, count, path = sys.argv[1], sys.argv[2], sys.argv[3]
runs = [json.loads(l) for l in open(path)]
def mmm(key):
    v = sorted(r[key] for r in runs if r.get(key) is not None)
    return f"{v[0]}/{statistics.median(v)}/{v[-1]}" if v else "-"
closed = sorted({k for r in runs for k in r if k.startswith("closed:") and r[k]})
print(f"{mode} x{count} ({len(runs)} runs, min/median/max): ordinary p50 {mmm('p50_ms')} ms, "
      f"p99 {mmm('p99_ms')} ms, max {mmm('max_ms')} ms, probes {mmm('probes')}, "
      f"errors {mmm('probe_errors')}; attack opened {mmm('opened')}, "
      f"held by the server at the end {mmm('server_held_at_end')}; closed by "
      + (", ".join(f"{k[7:]} {mmm(k)}" for k in closed) or "nothing"))
PY
done
