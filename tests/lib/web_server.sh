# Sourced by vntld's end-to-end tests: start and stop a vntld on 127.0.0.1
# on a free port (the kernel picks it: --port 0), always stopped on exit.
#   web_start [vntld flags...]   sets VNTLD_PID, PORT, URL, VNTLD_LOG
#   web_stop                     SIGTERM, wait, fail if vntld did not exit 0
#   web_status URL [curl args]   prints the HTTP status code
VNTLD_PID=""
VNTLD_LOG="$VNTL_TMP/vntld.log"
web_cleanup() {
	if [ -n "$VNTLD_PID" ]; then kill -KILL "$VNTLD_PID" 2>/dev/null || true; fi
}
trap web_cleanup EXIT INT TERM

web_fail() { echo "FAIL: $*" >&2; [ -f "$VNTLD_LOG" ] && tail -n 20 "$VNTLD_LOG" >&2; exit 1; }

web_start() {
	: >"$VNTLD_LOG"
	"$VNTL_BUILD/vntld" --listen 127.0.0.1 --port 0 "$@" 2>>"$VNTLD_LOG" &
	VNTLD_PID=$!
	i=0
	while [ $i -lt 200 ]; do
		PORT=$(sed -n 's/.*event=listening .*port=\([0-9]*\).*/\1/p' "$VNTLD_LOG" | tail -n 1)
		[ -n "$PORT" ] && break
		kill -0 "$VNTLD_PID" 2>/dev/null || web_fail "vntld exited at start"
		sleep 0.05; i=$((i + 1))
	done
	[ -n "$PORT" ] || web_fail "vntld did not start listening"
	URL="https://127.0.0.1:$PORT"
}

web_stop() {
	kill -TERM "$VNTLD_PID"
	rc=0; wait "$VNTLD_PID" || rc=$?
	VNTLD_PID=""
	[ $rc -eq 0 ] || web_fail "vntld exited with status $rc after SIGTERM"
	grep -q 'event=stopped' "$VNTLD_LOG" || web_fail "no stopped event in the log"
}

web_status() {
	u=$1; shift
	curl -sk -o /dev/null -w '%{http_code}' "$@" "$u"
}

# Waits (up to 10 s) until GET URL answers a body containing TEXT.
web_wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		curl -sk "$1" 2>/dev/null | grep -q "$2" && return 0
		sleep 0.1; i=$((i + 1))
	done
	web_fail "$1 never showed '$2'"
}
