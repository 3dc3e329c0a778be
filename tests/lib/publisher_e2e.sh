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
