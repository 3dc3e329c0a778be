#!/bin/sh
# Generate vntl's demo PKI with openssl. Every subject says DEMO: these are
# throw-away keys for demos and tests, never real ones.
#   scripts/demo-pki.sh DIR [REVOCATION_URL]
# Writes, for each NAME below, DIR/NAME.key (PKCS#8 PEM, unencrypted) and
# DIR/NAME.pem (certificate):
#   neac-root            NEAC-like national root (EC P-384, self-signed)
#   gov-root             government CA root (EC P-384, self-signed)
#   public-ca-1..3       licensed public CAs, issued by neac-root
#   foreign-1..4         foreign CA certificates (self-signed; SG, JP, KR, FR);
#                        foreign-1 is valid from 90 days before it was made, so
#                        that the demo can show a signature made before it was
#                        suspended
#   list-signer          list-signing key (EC P-256), issued by neac-root,
#                        digitalSignature+nonRepudiation, EKU id-tsl-kp-tslSigning
# With REVOCATION_URL (http://127.0.0.1:PORT, served by scripts/demo-revocation.py)
# also the signers (leaf certificates) whose chains the demo checks:
#   signer-public        issued by public-ca-1; AIA OCSP URL/ocsp/public-ca-1,
#                        CRL distribution point URL/crl/public-ca-1.crl
#   signer-revoked       the same, revoked (keyCompromise) when it was made
#   signer-foreign       issued by foreign-1, valid from 60 days before it was
#                        made; CRL distribution point URL/crl/foreign-1.crl
# and, made again on every run (valid 7 days), the CRLs of both issuing CAs
# (crl/public-ca-1.crl, crl/foreign-1.crl: DER) from their openssl ca
# databases ca/NAME/index.txt, which the OCSP responder reads too.
# Existing files are kept (run it again to fill in what is missing).
set -eu
dir=${1:?usage: $0 DIR [REVOCATION_URL]}
url=${2:-}
mkdir -p "$dir"
cd "$dir"
dir=$(pwd)
days_root=3650
days_leaf=1095
day=86400
now=$(date +%s)

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

stamp() { # SECONDS_FROM_NOW: a time as openssl ca -startdate/-enddate want it
	date -u -d "@$((now + $1))" +%Y%m%d%H%M%SZ
}

# ca_db NAME: the openssl ca database of the CA NAME (what it issued and
# revoked), from which its CRLs are made and its OCSP responder answers.
ca_db() {
	db=$dir/ca/$1
	[ -f "$db/ca.cnf" ] && return 0
	mkdir -p "$db/issued"
	: > "$db/index.txt"
	echo 1000 > "$db/serial"
	echo 1000 > "$db/crlnumber"
	cat > "$db/ca.cnf" <<CNF
[ca]
default_ca = ca_default
[ca_default]
dir = $db
database = \$dir/index.txt
new_certs_dir = \$dir/issued
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_crl_days = 7
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
countryName = optional
organizationName = optional
commonName = supplied
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_ocsp]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:$url/ocsp/$1
crlDistributionPoints = URI:$url/crl/$1.crl
[leaf_crl]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$url/crl/$1.crl
CNF
}

# by_ca NAME CURVE SUBJECT ISSUER EXTENSIONS START END: a certificate from
# ISSUER's openssl ca (ISSUER = self: self-signed, recorded in NAME's database).
by_ca() {
	key "$1" "$2"
	[ -f "$1.pem" ] && return 0
	openssl req -new -key "$1.key" -subj "$3" -out "$1.csr"
	if [ "$4" = self ]; then
		ca_db "$1"
		set -- "$@" -selfsign -config "$dir/ca/$1/ca.cnf" -keyfile "$1.key"
	else
		ca_db "$4"
		set -- "$@" -config "$dir/ca/$4/ca.cnf" -cert "$4.pem" -keyfile "$4.key"
	fi
	name=$1 ext=$5 start=$6 end=$7
	shift 7
	openssl ca -batch "$@" -in "$name.csr" -out "$name.pem" -extensions "$ext" \
		-startdate "$start" -enddate "$end" -notext 2>/dev/null
	rm -f "$name.csr"
}

crl() { # CA: its CRL as of now, DER, in crl/CA.crl
	mkdir -p crl
	openssl ca -batch -config "ca/$1/ca.cnf" -cert "$1.pem" -keyfile "$1.key" -gencrl \
		-out "crl/$1.pem" 2>/dev/null
	openssl crl -in "crl/$1.pem" -outform DER -out "crl/$1.crl"
	rm -f "crl/$1.pem"
}

self_signed neac-root secp384r1 "/C=VN/O=DEMO Trung tam Chung thuc dien tu quoc gia/CN=DEMO NEAC Root CA" 4096001
self_signed gov-root secp384r1 "/C=VN/O=DEMO Ban Co yeu Chinh phu/CN=DEMO Vietnam Government Root CA" 4096002
i=1
for name in "DEMO VNPT-like Public CA" "DEMO Viettel-like Public CA" "DEMO FPT-like Public CA"; do
	issued "public-ca-$i" prime256v1 "/C=VN/O=$name/CN=$name" "409610$i" neac-root subca 1825
	i=$((i + 1))
done
by_ca foreign-1 prime256v1 "/C=SG/O=DEMO Foreign Trust Provider SG/CN=DEMO Foreign Root CA SG" \
	self root "$(stamp $((-90 * day)))" "$(stamp $((days_root * day)))"
i=2
for cc in JP KR FR; do
	self_signed "foreign-$i" prime256v1 "/C=$cc/O=DEMO Foreign Trust Provider $cc/CN=DEMO Foreign Root CA $cc" "409620$i"
	i=$((i + 1))
done
issued list-signer prime256v1 "/C=VN/O=DEMO Trung tam Chung thuc dien tu quoc gia/CN=DEMO NEAC Trust List Signer" 4096301 neac-root signer $days_leaf

if [ -n "$url" ]; then
	leaf_end=$(stamp $((days_leaf * day)))
	by_ca signer-public prime256v1 "/C=VN/O=DEMO VNPT-like Public CA/CN=DEMO Signer Nguyen Van An" \
		public-ca-1 leaf_ocsp "$(stamp 0)" "$leaf_end"
	if [ ! -f signer-revoked.pem ]; then
		by_ca signer-revoked prime256v1 "/C=VN/O=DEMO VNPT-like Public CA/CN=DEMO Signer Tran Thi Binh (revoked)" \
			public-ca-1 leaf_ocsp "$(stamp 0)" "$leaf_end"
		openssl ca -batch -config ca/public-ca-1/ca.cnf -cert public-ca-1.pem -keyfile public-ca-1.key \
			-revoke signer-revoked.pem -crl_reason keyCompromise 2>/dev/null
	fi
	by_ca signer-foreign prime256v1 "/C=SG/O=DEMO Foreign Trust Provider SG/CN=DEMO Signer Tan Wei Ming" \
		foreign-1 leaf_crl "$(stamp $((-60 * day)))" "$leaf_end"
	crl public-ca-1
	crl foreign-1
fi
chmod 600 ./*.key
echo "demo PKI in $dir: $(ls ./*.pem | wc -l) certificates (all marked DEMO)"
