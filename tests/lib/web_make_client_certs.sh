#!/bin/sh
# Test fixture for vntld's admin API: a staff client CA and certificates.
#   web_make_client_certs.sh OUTDIR
# Writes ca.pem (the CA vntld trusts), staff.{pem,key} and unknown.{pem,key}
# (both issued by that CA), stranger.{pem,key} (self-signed, not trusted).
set -eu
out=$1
mkdir -p "$out"
cd "$out"
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
ec ca
openssl req -x509 -new -key ca.key -out ca.pem -days 30 -subj "/CN=vntl staff CA" 2>/dev/null
for who in staff unknown; do
	ec "$who"
	openssl req -new -key "$who.key" -out "$who.csr" -subj "/CN=$who" 2>/dev/null
	printf 'extendedKeyUsage=clientAuth\n' >ext.cnf
	openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$who.pem" \
		-days 30 -extfile ext.cnf 2>/dev/null
done
ec stranger
openssl req -x509 -new -key stranger.key -out stranger.pem -days 30 -subj "/CN=stranger" 2>/dev/null
