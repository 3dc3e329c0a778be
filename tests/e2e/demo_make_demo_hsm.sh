#!/bin/sh
# `make demo` with VNTL_DEMO_HSM=1: the same end-to-end checks as
# demo_make_demo.sh (every printed command, the served lists verified, a
# second run reusing everything), with the list-signing key generated in a
# SoftHSM2 token in demo/token; plus: the lists name the token's
# certificate, and the token's key is not exportable.
set -eu
VNTL_DEMO_HSM=1 sh "$VNTL_SRC/tests/e2e/demo_make_demo.sh"
demo=$VNTL_TMP/demo
export SOFTHSM2_CONF="$demo/token/softhsm2.conf"
token_cert=$(sed -n '/BEGIN/,/END/{/-----/d;p}' "$demo/token/list-signer.pem" | tr -d '\n')
tr -d '\n' < "$demo/publication/roots.xml" | grep -qF "$token_cert" ||
	{ echo "FAIL: roots.xml does not carry the token's certificate"; exit 1; }
if /usr/bin/python3 "$VNTL_SRC/tests/lib/pkcs11_export.py" /usr/lib/softhsm/libsofthsm2.so vntl-demo \
	"$demo/token/pin" tl-signer-demo > "$VNTL_TMP/export.txt"; then
	echo "FAIL: the demo's token key was exported: $(cat "$VNTL_TMP/export.txt")"; exit 1; fi
grep -q "^not exportable:" "$VNTL_TMP/export.txt" || { cat "$VNTL_TMP/export.txt"; exit 1; }
echo "ok: make demo with the list-signing key in a SoftHSM2 token"
