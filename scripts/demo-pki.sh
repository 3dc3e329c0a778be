#!/bin/sh
# Generate vntl's demo PKI with openssl. Every subject says DEMO: these are
# throw-away keys for demos and tests, never real ones.
#   scripts/demo-pki.sh DIR
# Writes, for each NAME below, DIR/NAME.key (PKCS#8 PEM, unencrypted) and
# DIR/NAME.pem (certificate):
#   neac-root            NEAC-like national root (EC P-384, self-signed)
#   gov-root             government CA root (EC P-384, self-signed)
#   public-ca-1..3       licensed public CAs, issued by neac-root
#   foreign-1..4         foreign CA certificates (self-signed; SG, JP, KR, FR)
#   list-signer          list-signing key (EC P-256), issued by neac-root,
#                        digitalSignature+nonRepudiation, EKU id-tsl-kp-tslSigning
# Existing files are kept (run it again to fill in what is missing).
set -eu
dir=${1:?usage: $0 DIR}
mkdir -p "$dir"
cd "$dir"
days_root=3650
days_leaf=1095

ext_file=$(mktemp)
trap 'rm -f "$ext_file"' EXIT
cat > "$ext_file" <<'EXT'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[subca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 0.4.0.2231.3.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT

key() { # NAME CURVE
	[ -f "$1.key" ] || openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -out "$1.key" 2>/dev/null
}

self_signed() { # NAME CURVE SUBJECT SERIAL
	key "$1" "$2"
	[ -f "$1.pem" ] || openssl req -new -x509 -key "$1.key" -subj "$3" -days $days_root \
		-set_serial "$4" -sha384 -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem"
}

issued() { # NAME CURVE SUBJECT SERIAL ISSUER EXTENSIONS DAYS
	key "$1" "$2"
	[ -f "$1.pem" ] && return 0
	openssl req -new -key "$1.key" -subj "$3" -out "$1.csr"
	openssl x509 -req -in "$1.csr" -CA "$5.pem" -CAkey "$5.key" -set_serial "$4" -days "$7" \
		-sha384 -extfile "$ext_file" -extensions "$6" -out "$1.pem" 2>/dev/null
	rm -f "$1.csr"
}

self_signed neac-root secp384r1 "/C=VN/O=DEMO Trung tam Chung thuc dien tu quoc gia/CN=DEMO NEAC Root CA" 4096001
self_signed gov-root secp384r1 "/C=VN/O=DEMO Ban Co yeu Chinh phu/CN=DEMO Vietnam Government Root CA" 4096002
i=1
for name in "DEMO VNPT-like Public CA" "DEMO Viettel-like Public CA" "DEMO FPT-like Public CA"; do
	issued "public-ca-$i" prime256v1 "/C=VN/O=$name/CN=$name" "409610$i" neac-root subca 1825
	i=$((i + 1))
done
i=1
for cc in SG JP KR FR; do
	self_signed "foreign-$i" prime256v1 "/C=$cc/O=DEMO Foreign Trust Provider $cc/CN=DEMO Foreign Root CA $cc" "409620$i"
	i=$((i + 1))
done
issued list-signer prime256v1 "/C=VN/O=DEMO Trung tam Chung thuc dien tu quoc gia/CN=DEMO NEAC Trust List Signer" 4096301 neac-root signer $days_leaf
chmod 600 ./*.key
echo "demo PKI in $dir: $(ls ./*.pem | wc -l) certificates (all marked DEMO)"
