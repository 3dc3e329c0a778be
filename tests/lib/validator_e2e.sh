#!/bin/sh
# Helpers for the validator's end-to-end tests (sourced).
set -eu
VV="$VNTL_BUILD/vntl-validate"
XSD="$VNTL_SHARED/tl/xsd/19612-libxml2.xsd"
failures=0

# expect CODE TEXT -- command...: the command exits with CODE and its stdout
# contains TEXT (a rule name or an indication).
expect() {
	want=$1 text=$2; shift 3
	set +e
	out=$("$@" 2>"$VNTL_TMP/stderr")
	rc=$?
	set -e
	if [ "$rc" -ne "$want" ] || { [ -n "$text" ] && ! printf '%s' "$out" | grep -qF -- "$text"; }; then
		echo "FAIL: wanted exit $want and \"$text\", got exit $rc from: $*"
		printf '%s\n' "$out" | sed 's/^/    /'
		tail -n 3 "$VNTL_TMP/stderr" | sed 's/^/    err: /'
		failures=$((failures + 1))
	else
		echo "ok: exit $rc \"$text\" <- $2 $(basename "${3:-}")"
	fi
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
}

iso_days_from_now() { # N (may be negative)
	date -u -d "@$(( $(date +%s) + $1 * 86400 ))" +%Y-%m-%dT%H:%M:%SZ
}

# start_http_server DIR NAME [CERT KEY]: serves DIR on 127.0.0.1; sets
# ${NAME}_PORT and ${NAME}_PID (the caller's trap stops it).
start_http_server() {
	dir=$1 name=$2; shift 2
	pf="$VNTL_TMP/$name.port"
	rm -f "$pf"
	python3 "$VNTL_SRC/tests/lib/validator_http_server.py" "$dir" "$pf" "$@" \
		2>>"$VNTL_TMP/$name.log" &
	eval "${name}_PID=$!"
	i=0
	while [ ! -s "$pf" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$pf" ] || { echo "server $name did not start"; exit 1; }
	eval "${name}_PORT=$(cat "$pf")"
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
