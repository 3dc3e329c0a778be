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
	brainpoolP256r1|secp384r1|secp224r1) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" \
		-pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null ;;
	*) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"${2:-2048}" -out "$1" 2>/dev/null ;;
	esac
}

# pki_issue CADIR ISSUER NAME EXT [KEYSPEC] [MD] [START] [END]
# EXT "none" issues a version 1 certificate; KEYSPEC "keep" reuses NAME.key;
# PKI_SUBJ overrides the subject ("/" for an empty one).
pki_issue() {
	cadir=$1 issuer=$2 name=$3 ext=$4 keyspec=${5:-P-256} md=${6:-sha256}
	start=${7:-20200101000000Z} end=${8:-20400101000000Z}
	[ "$keyspec" = keep ] || pki_key "$cadir/$name.key" "$keyspec"
	openssl req -new -key "$cadir/$name.key" -subj "${PKI_SUBJ:-/C=VN/O=Test Org $issuer/CN=$name}" \
		-out "$cadir/$name.csr" 2>/dev/null
	set -- -extensions "$ext"
	[ "$ext" = none ] && set --
	if [ "$issuer" = self ]; then
		openssl ca -batch -config "$cadir/ca.cnf" -selfsign -keyfile "$cadir/$name.key" \
			-in "$cadir/$name.csr" -out "$cadir/$name.pem" "$@" -md "$md" \
			-startdate "$start" -enddate "$end" -notext 2>/dev/null
	else
		openssl ca -batch -config "$cadir/ca.cnf" -cert "$cadir/$issuer.pem" \
			-keyfile "$cadir/$issuer.key" -in "$cadir/$name.csr" -out "$cadir/$name.pem" \
			"$@" -md "$md" -startdate "$start" -enddate "$end" -notext 2>/dev/null
	fi
}

# pki_x509 ISSUER NAME EXT SERIAL: a certificate with a chosen serial number
# (negative ones too, which `openssl ca` cannot make), valid from now.
pki_x509() {
	pki_key "$PKI/$2.key" P-256
	openssl req -new -key "$PKI/$2.key" -subj "${PKI_SUBJ:-/C=VN/O=Test Org $1/CN=$2}" \
		-out "$PKI/$2.csr" 2>/dev/null
	openssl x509 -req -in "$PKI/$2.csr" -CA "$PKI/$1.pem" -CAkey "$PKI/$1.key" -set_serial "$4" \
		-extfile "$PKI/ca.cnf" -extensions "$3" -days 3650 -sha256 -out "$PKI/$2.pem" 2>/dev/null
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

# Extension sections for the RFC 5280 profile cases (validator_rfc5280.sh):
# each breaks one rule; "DER:" values write an extension's bytes directly.
pki_conf_rfc5280() { # dir
	cat >>"$1/ca.cnf" <<'CNF'
[x_leaf]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
authorityKeyIdentifier = keyid
[x_leaf_noaki]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = none
[x_leaf_ca]
basicConstraints = critical,CA:true
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
[x_leaf_kcs]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,keyCertSign
authorityKeyIdentifier = keyid
[x_leaf_aki_crit]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = critical,keyid
[x_leaf_bad_aia]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
authorityInfoAccess = DER:0500
[x_leaf_empty_san]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
subjectAltName = DER:3000
[x_leaf_san]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
subjectAltName = $ENV::PKI_SAN
[x_leaf_empty_eku]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
extendedKeyUsage = DER:3000
[x_leaf_any_eku_crit]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
extendedKeyUsage = critical,anyExtendedKeyUsage
[x_leaf_any_eku]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
extendedKeyUsage = anyExtendedKeyUsage
[x_leaf_by_keyid_issuer]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid,issuer
[x_ca_noski]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid
[x_ca_noaki]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = none
[x_ca_bc_noncrit]
basicConstraints = CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[x_ca_nobc]
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[x_ca_pc_noncrit]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
policyConstraints = inhibitPolicyMapping:5
[x_ca_nocrlsign]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[x_ca_nc]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical,$ENV::PKI_NC
[x_ca_nc_noncrit]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = permitted;DNS:example.vn
[x_ca_nc_empty]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical,DER:3000
[x_root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[x_root_noski]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = none
authorityKeyIdentifier = none
[x_root_bc_noncrit]
basicConstraints = CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[x_root_aki_self]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer:always
[x_root_aki_der]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = $ENV::PKI_AKI
[x_ca_nc_all]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical,permitted;DNS:example.vn,permitted;email:example.vn,permitted;IP:10.0.0.0/255.0.0.0,permitted;URI:.example.vn,excluded;dirName:x_dir_bad
[x_dir_bad]
CN = dirbad
[x_leaf_san_dir]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid
subjectAltName = dirName:x_dir_bad
[x_crl_unknown_critical]
1.3.6.1.4.1.99999.1 = critical,DER:0500
CNF
}
