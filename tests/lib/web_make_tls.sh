#!/bin/sh
# Test fixture for vntld: an ECDSA P-256 server certificate for 127.0.0.1
# and localhost, self-signed, into OUTDIR/NAME.{pem,key}.
#   web_make_tls.sh OUTDIR NAME
set -eu
out=$1; name=$2
mkdir -p "$out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$out/$name.key" -out "$out/$name.pem" -days 30 -subj "/CN=$name" \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
