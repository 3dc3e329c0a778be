#!/bin/sh
# vntld against nginx (Debian's), same machine, same files, same ECDSA P-256
# certificate, TLS 1.3, same wrk settings, in the same run:
#   304 polls (req/s), ~60 KB downloads (req/s), ~8 MB downloads (MB/s),
#   new TLS connections (req/s with "Connection: close"), p50/p99 latency;
# prints vntld/nginx ratios (targets: >= 1.0 polls and small downloads,
# >= 0.9 large). Then 10,000 concurrent idle keep-alive pollers on vntld
# (poll and epoll), with errors, vntld's RSS and its CPU while idle.
#   scripts/bench-web.sh BUILD_DIR
# Environment: BENCH_SECONDS (5), BENCH_ROUNDS (2), BENCH_POLLERS (10000).
set -eu
build=$(cd "${1:-build/release}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
secs=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-2}
pollers=${BENCH_POLLERS:-10000}
cores=$(nproc)
for tool in wrk nginx python3 openssl; do
	command -v "$tool" >/dev/null || { echo "bench-web: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$build/vntld" ] || { echo "bench-web: $build/vntld not built" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-web.XXXXXX")
chmod 755 "$tmp"
vntld_pid=""; nginx_pid=""
cleanup() {
	[ -n "$vntld_pid" ] && kill -KILL "$vntld_pid" 2>/dev/null
	[ -n "$nginx_pid" ] && kill -KILL "$nginx_pid" 2>/dev/null
	rm -rf "$tmp" "$tmp.keys"
}
trap cleanup EXIT
trap 'exit 130' INT # a signal ends the script (then the EXIT trap cleans up)
trap 'exit 143' TERM

# Publication (signed by the real publisher: vntld serves only lists that
# verify): foreign.xml ~8 MB (the large download), roots.xml ~60 KB.
pub="$tmp/pub"
VNTL_BUILD="$build" VNTL_SRC="$src" sh "$src/tests/lib/web_publish.sh" "$pub" 1 --pad 57000 --pad-foreign 8400000
sh "$src/tests/lib/web_make_tls.sh" "$tmp/tls" server
chmod -R a+rX "$pub" "$tmp/tls"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_vntld() { # poll|epoll
	port=$(free_port)
	cat >"$tmp/vntl.conf" <<CONF
server.listen = 127.0.0.1
server.port = $port
server.publication_dir = $pub
server.signer_cert = $pub.keys/pki/list-signer.pem
server.tls_cert = $tmp/tls/server.pem
server.tls_key = $tmp/tls/server.key
server.threads = $cores
server.poll = $1
server.max_connections = 30000
server.per_ip_connections = 0
server.connection_timeout = 300
CONF
	"$build/vntld" --config "$tmp/vntl.conf" 2>"$tmp/vntld.log" &
	vntld_pid=$!
	echo "$vntld_pid" >"$tmp/vntld.pid"
	i=0; until grep -q event=listening "$tmp/vntld.log"; do sleep 0.1; i=$((i+1)); [ $i -lt 100 ] || { cat "$tmp/vntld.log"; exit 1; }; done
	vntld_url="https://127.0.0.1:$port"
}
stop_vntld() { kill -TERM "$vntld_pid"; wait "$vntld_pid" || true; vntld_pid=""; }

start_nginx() {
	nport=$(free_port)
	mkdir -p "$tmp/nginx/logs"
	cat >"$tmp/nginx/nginx.conf" <<CONF
user root;
worker_processes $cores;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
worker_rlimit_nofile 30000;
events { worker_connections 15000; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000000;
	keepalive_timeout 300s;
	types { application/vnd.etsi.tsl+xml xml; application/json json; application/pkix-cert cer; }
	server {
		listen 127.0.0.1:$nport ssl;
		ssl_certificate $tmp/tls/server.pem;
		ssl_certificate_key $tmp/tls/server.key;
		ssl_protocols TLSv1.3;
		ssl_session_cache shared:tls:10m;
		ssl_session_tickets on;
		root $pub;
		location / { add_header Cache-Control "public, max-age=60"; }
	}
}
CONF
	nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
	nginx_pid=$!
	i=0; until curl -sk -o /dev/null "https://127.0.0.1:$nport/index.json"; do sleep 0.1; i=$((i+1)); [ $i -lt 100 ] || { cat "$tmp/nginx/error.log"; exit 1; }; done
	nginx_url="https://127.0.0.1:$nport"
}

etag_of() { curl -sk -D- -o /dev/null "$1" | sed -n 's/^[Ee][Tt][Aa][Gg]: \(.*\)\r$/\1/p'; }

# wrk -> "req_per_s mb_per_s p50_ms p99_ms errors"
run_wrk() { # connections url [header]
	c=$1; u=$2; shift 2
	if [ $# -gt 0 ]; then
		wrk -t2 -c"$c" -d"${secs}s" --latency -H "$1" "$u" >"$tmp/wrk.out" 2>&1 || true
	else
		wrk -t2 -c"$c" -d"${secs}s" --latency "$u" >"$tmp/wrk.out" 2>&1 || true
	fi
	awk '
	function ms(v) { if (v ~ /us$/) return v * 0.001; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
	function mb(v) { if (v ~ /GB$/) return v * 1024; if (v ~ /MB$/) return v + 0; if (v ~ /KB$/) return v / 1024; return v / 1048576 }
	/^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
	/^Requests\/sec:/ { rps = $2 } /^Transfer\/sec:/ { t = mb($2) }
	/Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
	/Non-2xx or 3xx/ { err += $5 }
	END { printf "%.1f %.2f %.3f %.3f %d\n", rps, t, p50, p99, err }' "$tmp/wrk.out"
}

echo "vntld vs nginx $(nginx -v 2>&1 | sed 's/.*\///'), TLS 1.3, ECDSA P-256, $cores cores, wrk -t2, ${secs}s x $rounds rounds (means)"
start_vntld poll
start_nginx
v_etag=$(etag_of "$vntld_url/roots.xml"); n_etag=$(etag_of "$nginx_url/roots.xml")
printf "%-22s %12s %12s %7s   %-17s %-17s\n" scenario vntld nginx ratio "vntld p50/p99 ms" "nginx p50/p99 ms"
scenario() { # name unit(rps|mbps) connections vntld-path nginx-header-kind
	name=$1; unit=$2; conns=$3; path=$4; kind=$5
	: >"$tmp/v.res"; : >"$tmp/n.res"
	r=0
	while [ $r -lt "$rounds" ]; do
		case $kind in
		poll)  run_wrk "$conns" "$vntld_url$path" "If-None-Match: $v_etag" >>"$tmp/v.res"
		       run_wrk "$conns" "$nginx_url$path" "If-None-Match: $n_etag" >>"$tmp/n.res" ;;
		close) run_wrk "$conns" "$vntld_url$path" "Connection: close" >>"$tmp/v.res"
		       run_wrk "$conns" "$nginx_url$path" "Connection: close" >>"$tmp/n.res" ;;
		*)     run_wrk "$conns" "$vntld_url$path" >>"$tmp/v.res"
		       run_wrk "$conns" "$nginx_url$path" >>"$tmp/n.res" ;;
		esac
		r=$((r + 1))
	done
	col=1; [ "$unit" = mbps ] && col=2
	mean() { awk -v c="$1" '{ s += $c; n++ } END { printf "%.2f", n ? s / n : 0 }' "$2"; }
	v=$(mean $col "$tmp/v.res"); n=$(mean $col "$tmp/n.res")
	ve=$(awk '{ s += $5 } END { print s + 0 }' "$tmp/v.res"); ne=$(awk '{ s += $5 } END { print s + 0 }' "$tmp/n.res")
	ratio=$(awk -v a="$v" -v b="$n" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf "%-22s %12s %12s %6sx   %-17s %-17s%s\n" "$name" "$v" "$n" "$ratio" \
		"$(mean 3 "$tmp/v.res")/$(mean 4 "$tmp/v.res")" "$(mean 3 "$tmp/n.res")/$(mean 4 "$tmp/n.res")" \
		"$( [ "$ve$ne" = 00 ] || echo "  errors vntld=$ve nginx=$ne")"
}
scenario "304 polls (req/s)" rps 50 /roots.xml poll
scenario "60 KB list (req/s)" rps 50 /roots.xml plain
scenario "8 MB list (MB/s)" mbps 8 /foreign.xml plain
scenario "new TLS conns (req/s)" rps 50 /index.json close
echo "sizes: roots.xml $(wc -c <"$pub/roots.xml") bytes, foreign.xml $(wc -c <"$pub/foreign.xml") bytes"
kill -TERM "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""
stop_vntld

for mode in poll epoll; do
	start_vntld "$mode"
	etag=$(etag_of "$vntld_url/roots.xml")
	printf "%s idle keep-alive pollers, vntld server.poll=%-5s: " "$pollers" "$mode"
	python3 "$src/scripts/bench-web-pollers.py" "$port" "$pollers" /roots.xml "$etag" "$tmp/vntld.pid"
	stop_vntld
done
