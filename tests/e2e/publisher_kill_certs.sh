#!/bin/sh
# kill -9 at random moments of publishing a foreign list of new certificates
# (their files staged on a thread beside the list's build and check, then
# committed): odd iterations publish into a fresh directory (certs/ appears
# by one rename of the staging directory), even ones into the same directory
# again (new certificates, renamed into certs/ one by one). After each kill
# every file in certs/ is whole (its bytes hash to its name) and what
# index.json names is consistent; the next publish removes the killed run's
# staging directory and publishes every certificate (the driver checks).
# Every other pair of iterations aims the kill at the staging (as soon as
# the staging directory appears); the others kill at a random moment of the
# whole publish. Fails when no kill landed while certificates were staged.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
cd "$VNTL_TMP"
make_signer "$VNTL_TMP"
if [ "$VNTL_SAN" = 1 ]; then n=200; iterations=${VNTL_KILL_ITERATIONS:-6}
else n=500; iterations=${VNTL_KILL_ITERATIONS:-10}; fi
driver="$VNTL_BUILD/tests/test_publisher_publish"
publish() { "$driver" publish-foreign "$1" signer.key signer.pem "$n"; }
fail() { echo "iteration $i: $*"; exit 1; }
# staging_left: a certificate staging directory is in out/ (shell globbing
# only: it runs in a busy loop)
staging_left() { for d in out/.tmp.certs.*; do [ -d "$d" ] && return 0; done; return 1; }

# check_certs DIR [N]: certs/ holds whole certificate files only; with N
# (a first publication), it is absent or holds all N: it appears whole
check_certs() {
	python3 - "$1" "${2:-}" <<'PY'
import hashlib, os, re, sys
d = os.path.join(sys.argv[1], "certs")
names = os.listdir(d) if os.path.isdir(d) else None
for name in names or []:
    if not re.fullmatch(r"[0-9a-f]{64}\.cer", name):
        sys.exit("unexpected file in certs/: " + name)
    with open(os.path.join(d, name), "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != name[:64]:
            sys.exit("certs/%s is not whole" % name)
if sys.argv[2] and names is not None and len(names) != int(sys.argv[2]):
    sys.exit("certs/ of a first publication holds %d of %s certificates" % (len(names), sys.argv[2]))
PY
}

i=0
publish warm > warm.log 2>&1 || fail "first publish failed"
# kill within 1.2x the publishing itself, not the driver's certificate generation
span=$(( $(sed -n 's/^publish_ms=//p' warm.log) * 12 / 10 + 1 ))
killed=0; staging=0
while [ $i -lt "$iterations" ]; do
	i=$((i + 1))
	fresh=""
	if [ $((i % 2)) = 1 ]; then rm -rf out; fresh=$n; fi
	delay=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % span ))
	rm -f run.log
	# not the shell function: $! must be the publisher itself, not a subshell
	"$driver" publish-foreign out signer.key signer.pem "$n" > run.log 2>&1 &
	pid=$!
	if [ $((i / 2 % 2)) = 1 ]; then
		# aimed at the staging: as soon as the staging directory appears
		until staging_left || ! kill -0 "$pid" 2>/dev/null; do :; done
		delay=$((delay % 20))
	else
		until grep -q '^publishing' run.log || ! kill -0 "$pid" 2>/dev/null; do sleep 0.005; done
	fi
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null || :
	wait "$pid" || killed=$((killed + 1))
	check_certs out "$fresh" || fail "killed after ${delay} ms"
	if [ -f out/index.json ]; then
		python3 "$VNTL_SRC/tests/lib/publisher_checkdir.py" out --lists foreign >/dev/null ||
			fail "killed after ${delay} ms: inconsistent directory"
	fi
	staging_left && staging=$((staging + 1))
	publish out >/dev/null 2>&1 || fail "publish after the kill failed (exit $?)"
	! staging_left || fail "the staging directory was left behind"
	check_certs out || fail "after the next publish"
	if ls -a out out/foreign | grep -q '\.tmp\.'; then fail "temp files left behind"; fi
done
echo "kill test: $iterations iterations of $n certificates, $killed killed mid-run, $staging while certificates were staged"
[ "$killed" -gt 0 ] || { echo "no run was interrupted"; exit 1; }
[ "$staging" -gt 0 ] || { echo "no kill landed while certificates were staged"; exit 1; }
echo ok
