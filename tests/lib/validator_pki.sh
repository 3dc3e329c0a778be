#!/bin/sh
# Test PKI for the validator, generated with openssl into a directory.
#   . validator_pki.sh; pki_init DIR      creates root + intermediate + list signer
#   pki_leaf NAME [options for the leaf]  issues a leaf from the intermediate
#   pki_sign_list IN.xml OUT.xml          signs a list template with the list signer
# Certificates: DIR/NAME.pem, keys DIR/NAME.key.  Validity is fixed in the past
# and future (2020..2040) so tests can choose T freely.  Keys are ECDSA P-256
# unless a size is given (the roots and the list signers are RSA 2048).
set -eu

pki_conf() { # dir
	cat >"$1/ca.cnf" <<CNF
[ca]
default_ca = ca_default
[ca_default]
dir = $1
database = \$dir/index.txt
new_certs_dir = \$dir/issued
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
default_crl_days = 30
[policy_any]
commonName = supplied
organizationName = optional
countryName = optional
[v3_root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_ca_pathlen0]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_ca_nc]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = critical,permitted;DNS:example.vn
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_sign]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_enc]
basicConstraints = CA:false
keyUsage = critical,keyEncipherment
authorityKeyIdentifier = keyid
[v3_tls_only]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
authorityKeyIdentifier = keyid
[v3_docsign]
basicConstraints = CA:false
keyUsage = critical,nonRepudiation
extendedKeyUsage = emailProtection,1.3.6.1.5.5.7.3.36
authorityKeyIdentifier = keyid
[v3_evil_name]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
subjectAltName = DNS:evil.example.com
authorityKeyIdentifier = keyid
[v3_tls]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
[v3_ocsp]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
CNF
}

pki_ca_dir() { # dir: an openssl ca working directory
	mkdir -p "$1/issued"
	: >"$1/index.txt"
	echo 1000 >"$1/serial"
	echo 1000 >"$1/crlnumber"
	pki_conf "$1"
}

pki_key() { # out.key [rsa bits | ec curve]
	case "${2:-2048}" in
	P-256|prime256v1) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ;;
	brainpoolP256r1|secp384r1) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" \
		-pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null ;;
	*) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"${2:-2048}" -out "$1" 2>/dev/null ;;
	esac
}

# pki_issue CADIR ISSUER NAME EXT [KEYSPEC] [MD] [START] [END]
pki_issue() {
	cadir=$1 issuer=$2 name=$3 ext=$4 keyspec=${5:-P-256} md=${6:-sha256}
	start=${7:-20200101000000Z} end=${8:-20400101000000Z}
	pki_key "$cadir/$name.key" "$keyspec"
	openssl req -new -key "$cadir/$name.key" -subj "/C=VN/O=Test Org $issuer/CN=$name" \
		-out "$cadir/$name.csr" 2>/dev/null
	if [ "$issuer" = self ]; then
		openssl ca -batch -config "$cadir/ca.cnf" -selfsign -keyfile "$cadir/$name.key" \
			-in "$cadir/$name.csr" -out "$cadir/$name.pem" -extensions "$ext" -md "$md" \
			-startdate "$start" -enddate "$end" -notext 2>/dev/null
	else
		openssl ca -batch -config "$cadir/ca.cnf" -cert "$cadir/$issuer.pem" \
			-keyfile "$cadir/$issuer.key" -in "$cadir/$name.csr" -out "$cadir/$name.pem" \
			-extensions "$ext" -md "$md" -startdate "$start" -enddate "$end" -notext 2>/dev/null
	fi
}

pki_init() { # dir
	PKI=$1
	pki_ca_dir "$PKI"
	pki_issue "$PKI" self root v3_root 2048
	pki_issue "$PKI" root inter v3_ca
	pki_issue "$PKI" self signer v3_sign 2048
	pki_issue "$PKI" self root2 v3_root
}

pki_crl() { # issuer out.pem
	openssl ca -batch -config "$PKI/ca.cnf" -cert "$PKI/$1.pem" -keyfile "$PKI/$1.key" \
		-gencrl -out "$2" 2>/dev/null
}

pki_revoke() { # issuer name
	openssl ca -batch -config "$PKI/ca.cnf" -cert "$PKI/$1.pem" -keyfile "$PKI/$1.key" \
		-revoke "$PKI/$2.pem" -crl_reason keyCompromise 2>/dev/null
}

pki_sign_list() { # template.xml out.xml [signer name]
	s=${3:-signer}
	xmlsec1 --sign --privkey-pem "$PKI/$s.key,$PKI/$s.pem" \
		--id-attr:Id 'http://uri.etsi.org/02231/v2#:TrustServiceStatusList' \
		--id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties' \
		--id-attr:Id 'http://uri.etsi.org/02231/v2#:SchemeInformation' \
		--output "$2" "$1"
}
