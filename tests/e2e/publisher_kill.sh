#!/bin/sh
# kill -9 at random moments of publishing: after each kill the directory
# still holds a complete, consistent set (index.json, archives with the
# SHA-256 it names, valid signatures). Longer soak: scripts/soak-publisher.sh.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
iterations=${VNTL_KILL_ITERATIONS:-50}
driver=${VNTL_PUBLISH_DRIVER:-"$VNTL_BUILD/tests/test_publisher_publish publish"}
cd "$VNTL_TMP"
make_signer "$VNTL_TMP"
$driver out signer.key signer.pem >/dev/null
# how long one run takes, in ms: kills are spread over [0, 1.2 x that]
start=$(date +%s%N); $driver out signer.key signer.pem >/dev/null; end=$(date +%s%N)
span=$(( (end - start) / 1000000 * 12 / 10 + 1 ))
killed=0; completed=0; i=0
while [ $i -lt $iterations ]; do
	i=$((i + 1))
	delay=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % span ))
	$driver out signer.key signer.pem >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' "$delay")"
	if kill -9 "$pid" 2>/dev/null; then :; fi
	if wait "$pid"; then completed=$((completed + 1)); else killed=$((killed + 1)); fi
	python3 "$VNTL_SRC/tests/lib/publisher_checkdir.py" out > paths ||
		{ echo "iteration $i (killed after ${delay} ms): inconsistent directory"; exit 1; }
	for list in $(cat paths); do
		xmlsec_verify signer.pem "$list" || { echo "iteration $i: $list does not verify"; exit 1; }
	done
done
echo "kill test: $iterations iterations, $killed killed mid-run, $completed completed"
# the test must have interrupted runs, or it proved nothing
[ "$killed" -gt 0 ] || { echo "no run was interrupted"; exit 1; }
# and publishing still works afterwards, with a greater sequence
before=$(python3 -c "import json;print(json.load(open('out/index.json'))['lists']['roots']['sequence'])")
$driver out signer.key signer.pem >/dev/null
after=$(python3 -c "import json;print(json.load(open('out/index.json'))['lists']['roots']['sequence'])")
[ "$after" -gt "$before" ]
ls out out/roots | grep -q '\.tmp\.' && { echo "temp files left behind"; exit 1; }
echo "ok"
