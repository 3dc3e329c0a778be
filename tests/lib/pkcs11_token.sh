# SoftHSM2 tokens for the PKCS#11 tests (sourced).

SOFTHSM_MODULE=/usr/lib/softhsm/libsofthsm2.so

# softhsm_token DIR LABEL PIN: a SoftHSM2 whose tokens live in DIR/tokens
# (SOFTHSM2_CONF exported), with one token LABEL, user PIN PIN; the PIN also
# in DIR/pin.
softhsm_token() {
	mkdir -p "$1/tokens"
	printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$1" \
		> "$1/softhsm2.conf"
	export SOFTHSM2_CONF="$1/softhsm2.conf"
	printf '%s\n' "$3" > "$1/pin"
	softhsm2-util --init-token --free --label "$2" --so-pin "so-$3" --pin "$3" >/dev/null
}

# token_keygen TOKEN PIN LABEL ID TYPE: a key pair generated inside the token
# (TYPE as pkcs11-tool takes it: rsa:3072, EC:prime256v1): its private half
# sensitive and never extractable.
token_keygen() {
	pkcs11-tool --module "$SOFTHSM_MODULE" --token-label "$1" --login --pin "$2" --keypairgen \
		--key-type "$5" --label "$3" --id "$4" --usage-sign >/dev/null 2>&1
}

# token_cert TOKEN PIN LABEL OUT: a self-signed list-signing certificate for
# the token's key LABEL, signed in the token (OpenSSL's pkcs11 engine).
token_cert() {
	openssl req -new -x509 -engine pkcs11 -keyform engine \
		-key "pkcs11:token=$1;object=$3;type=private;pin-value=$2" -sha256 -days 365 \
		-subj "/C=VN/O=DEMO NEAC/CN=DEMO vntl list signer ($3)" \
		-addext "keyUsage=critical,digitalSignature,nonRepudiation" -out "$4" 2>/dev/null
}
