# Shared helpers of the publisher's e2e tests (sourced).

# make_signer DIR: an ECDSA P-256 list-signing key and certificate (DIR/signer.key, DIR/signer.pem)
make_signer() {
	openssl ecparam -name prime256v1 -genkey -noout -out "$1/signer.key" 2>/dev/null &&
	openssl req -new -x509 -key "$1/signer.key" -days 365 -subj "/C=VN/O=DEMO NEAC/CN=DEMO vntl list signer" \
		-addext "keyUsage=critical,digitalSignature,nonRepudiation" -out "$1/signer.pem" 2>/dev/null
}

# xmlsec_verify CERT LIST: xmlsec1 with the key pinned (SUMMARY.md section 4)
xmlsec_verify() {
	xmlsec1 --verify --enabled-reference-uris same-doc,empty --enabled-key-data rsa,ecdsa \
		--id-attr:Id 'http://uri.etsi.org/02231/v2#:TrustServiceStatusList' \
		--pubkey-cert-pem "$1" "$2" >/dev/null 2>&1
}

# oracle_setup: the independent verifier, installed once in a cache directory
# outside the source tree; prints its directory. Fails (never skips) when npm
# cannot install it.
oracle_setup() {
	src="$VNTL_SHARED/oracles/xades-verify"
	key=$(cat "$src/package-lock.json" "$src/verify.mjs" | sha256sum | cut -c1-16)
	dir="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/vntl/xades-verify-$key"
	if [ ! -f "$dir/.installed" ]; then
		mkdir -p "$dir" && cp "$src/package.json" "$src/package-lock.json" "$src/verify.mjs" "$dir/" &&
		(cd "$dir" && npm ci --no-audit --no-fund >/dev/null 2>&1) && touch "$dir/.installed" || {
			echo "oracle: npm ci failed in $dir (is the npm registry reachable?)" >&2; return 1; }
	fi
	echo "$dir"
}

# kill_loop ITERATIONS SIGNER_PEM COMMAND...: run COMMAND (a publish into
# ./out) ITERATIONS times, each killed with kill -9 at a random moment
# within 1.2x its normal duration; after each, ./out must be a complete,
# consistent set whose lists verify. Fails when no run was interrupted.
kill_loop() {
	iterations=$1; signer=$2; shift 2
	"$@" >/dev/null 2>&1 || { echo "first publish failed"; return 1; }
	start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
	span=$(( (end - start) / 1000000 * 12 / 10 + 1 ))
	killed=0; completed=0; i=0
	while [ $i -lt "$iterations" ]; do
		i=$((i + 1))
		delay=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % span ))
		"$@" >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '0.%03d' "$delay")"
		kill -9 "$pid" 2>/dev/null || :
		if wait "$pid"; then completed=$((completed + 1)); else killed=$((killed + 1)); fi
		python3 "$VNTL_SRC/tests/lib/publisher_checkdir.py" out > paths ||
			{ echo "iteration $i (killed after ${delay} ms): inconsistent directory"; return 1; }
		# bytes already verified verify again: only new files cost a check
		for list in $(cat paths); do
			sum=$(sha256sum < "$list" | cut -c1-64)
			grep -qx "$sum" verified 2>/dev/null && continue
			xmlsec_verify "$signer" "$list" || { echo "iteration $i: $list does not verify"; return 1; }
			echo "$sum" >> verified
		done
	done
	echo "kill test: $iterations iterations, $killed killed mid-run, $completed completed"
	[ "$killed" -gt 0 ] || { echo "no run was interrupted"; return 1; }
	before=$(python3 -c "import json;print(json.load(open('out/index.json'))['lists']['roots']['sequence'])")
	"$@" >/dev/null 2>&1 || { echo "publish after the kills failed"; return 1; }
	after=$(python3 -c "import json;print(json.load(open('out/index.json'))['lists']['roots']['sequence'])")
	[ "$after" -gt "$before" ] || { echo "sequence did not grow after the kills"; return 1; }
	if ls out out/roots out/foreign out/pointer out/certs | grep -q '\.tmp\.'; then
		echo "temp files left behind"; return 1; fi
}

# demo_registry DIR: a registry ($VNTL_DB) filled with the vntl CLI from the
# demo PKI in DIR/pki, and a configuration ($VNTL_CONFIG) publishing into
# DIR/out with the demo list signer. Service ids: PUBCA1, FOREIGN1.
demo_registry() {
	V="$VNTL_BUILD/vntl"
	sh "$VNTL_SRC/scripts/demo-pki.sh" "$1/pki" >/dev/null
	cat > "$1/vntl.conf" <<CONF
publish.out = $1/out
publish.key = $1/pki/list-signer.key
publish.cert = $1/pki/list-signer.pem
publish.base_url = https://tl.demo.example.vn
publish.next_update_days = 30
CONF
	export VNTL_CONFIG="$1/vntl.conf" VNTL_DB="$1/registry.db"
	$V init >/dev/null
	$V user add olga --role officer >/dev/null
	$V --as olga user add an --role auditor >/dev/null
	$V --as olga user add anh --role approver >/dev/null
	tsp_add() { $V --as olga tsp add "$@" --street "1 Demo Street" --locality "Ha Noi" >/dev/null; }
	tsp_add --kind neac --name-vi "Trung tâm Chứng thực điện tử quốc gia" --name-en "DEMO NEAC" \
		--country VN --uri https://rootca.gov.vn
	tsp_add --kind gov-ca --name-vi "Ban Cơ yếu Chính phủ" --name-en "DEMO Government CA" \
		--country VN --uri https://ca.gov.vn
	for n in 1 2 3; do
		tsp_add --kind public-ca --name-vi "DEMO CA công cộng $n" --name-en "DEMO Public CA $n" \
			--country VN --uri "https://ca$n.demo.example.vn"
	done
	tsp_add --kind foreign --name-vi "DEMO Nhà cung cấp nước ngoài SG" --name-en "DEMO Foreign Provider SG" \
		--country SG --uri https://sg.demo.example
	import() { # TSP FILE -> service id
		$V --as olga cert import --tsp "$1" --decision "QĐ $1/QĐ-DEMO" --effective 2020-01-01 "$2" |
			sed -n 's/^added: service \([0-9]*\) .*/\1/p'
	}
	import 1 "$1/pki/neac-root.pem" >/dev/null
	import 2 "$1/pki/gov-root.pem" >/dev/null
	PUBCA1=$(import 3 "$1/pki/public-ca-1.pem")
	import 4 "$1/pki/public-ca-2.pem" >/dev/null
	import 5 "$1/pki/public-ca-3.pem" >/dev/null
	FOREIGN1=$(import 6 "$1/pki/foreign-1.pem")
	import 6 "$1/pki/foreign-2.pem" >/dev/null
	[ -n "$PUBCA1" ] && [ -n "$FOREIGN1" ]
}
