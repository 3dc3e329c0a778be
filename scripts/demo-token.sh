#!/bin/sh
# make demo with VNTL_DEMO_HSM=1: the list-signing key in a SoftHSM2 token.
#   scripts/demo-token.sh TOKEN_DIR PKI_DIR VNTL
# Makes (once) a SoftHSM2 whose tokens live in TOKEN_DIR (configuration
# TOKEN_DIR/softhsm2.conf, for SOFTHSM2_CONF), a token "vntl-demo" with a
# random user PIN in TOKEN_DIR/pin, an EC P-256 key "tl-signer-demo"
# generated inside it (sensitive, never extractable), and its list-signing
# certificate TOKEN_DIR/list-signer.pem issued by the demo's NEAC root.
# All DEMO: a real ceremony is described in README.
set -eu
dir=$1 pki=$2 vntl=$3
module=/usr/lib/softhsm/libsofthsm2.so
mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
export SOFTHSM2_CONF="$dir/softhsm2.conf"
[ -f "$dir/list-signer.pem" ] && exit 0
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir" \
	> "$SOFTHSM2_CONF"
umask 077
pin=$(openssl rand -hex 8)
printf '%s\n' "$pin" > "$dir/pin"
rm -rf "$dir/tokens"/*
softhsm2-util --init-token --free --label vntl-demo --so-pin "$(openssl rand -hex 8)" --pin "$pin" >/dev/null
pkcs11-tool --module "$module" --token-label vntl-demo --login --pin "$pin" --keypairgen \
	--key-type EC:prime256v1 --label tl-signer-demo --id 01 --usage-sign >/dev/null 2>&1
umask 022
cat > "$dir/signer.ext" <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 0.4.0.2231.3.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
# The request is signed in the token (vntl signer csr, as in the ceremony).
printf 'publish.pkcs11_module = %s\n' "$module" > "$dir/csr.conf"
VNTL_PKCS11_PIN=$pin "$vntl" --config "$dir/csr.conf" signer csr \
	--key "pkcs11:token=vntl-demo;object=tl-signer-demo" \
	--subject "/C=VN/O=DEMO Trung tam Chung thuc dien tu quoc gia/CN=DEMO NEAC Trust List Signer (HSM)" \
	--out "$dir/list-signer.csr"
openssl x509 -req -in "$dir/list-signer.csr" -CA "$pki/neac-root.pem" -CAkey "$pki/neac-root.key" \
	-set_serial "0x$(openssl rand -hex 8)" -days 825 -sha384 -extfile "$dir/signer.ext" \
	-out "$dir/list-signer.pem" 2>/dev/null
rm -f "$dir/list-signer.csr" "$dir/signer.ext" "$dir/csr.conf"
