#!/bin/sh
# Issue 12: vntl-validate --lang vi|en shows the display fields of circular
# 001 §2.4 and the reason in Vietnamese or English; --json keeps the English
# reason beside the Vietnamese one; an unknown language is a usage error.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
P="$VNTL_SHARED/pkits"
chain() { # LEAF [options]: PKITS 4.1.1's CA, CRLs and anchor, on 2011-04-15
	leaf=$1; shift
	"$VV" chain "$P/certs/$leaf" --untrusted "$P/certs/GoodCACert.crt" \
		--anchors "$P/certs/TrustAnchorRootCertificate.crt" --at 2011-04-15T00:00:00Z \
		--crl "$P/crls/GoodCACRL.crl" --crl "$P/crls/TrustAnchorRootCRL.crl" \
		--purpose any --alg-policy none --profile path --offline "$@"
}
# has WHAT FILE TEXT...: every TEXT is a line (or part of one) of FILE
has() {
	what=$1 file=$2; shift 2
	for text; do
		grep -qF -- "$text" "$file" || { echo "FAIL: $what lacks \"$text\""; sed 's/^/    /' "$file"; failures=$((failures + 1)); }
	done
}
run() { # OUT WANT-EXIT LEAF [options]
	out=$1 want=$2; shift 2
	set +e; chain "$@" >"$VNTL_TMP/$out" 2>"$VNTL_TMP/stderr"; rc=$?; set -e
	[ "$rc" -eq "$want" ] || { echo "FAIL: $out: exit $rc, wanted $want"; failures=$((failures + 1)); }
}
run vi-pass 0 ValidCertificatePathTest1EE.crt --lang vi
has "the Vietnamese PASSED result" "$VNTL_TMP/vi-pass" \
	"PASSED: chuỗi chứng thư hợp lệ tại thời điểm ký" \
	"  kết quả kiểm tra: hợp lệ tại thời điểm ký" \
	"  cơ quan, tổ chức cấp chứng thư: Test Certificates 2011" \
	"  chủ thể ký: CN=Valid EE Certificate Test1" \
	"  thời điểm ký: 2011-04-15T00:00:00Z" \
	"  tính hợp lệ tại thời điểm ký: có" \
	"chuỗi chứng thư:"
run en-pass 0 ValidCertificatePathTest1EE.crt --lang en
has "the English PASSED result" "$VNTL_TMP/en-pass" \
	"PASSED: the chain is valid at T" "  verdict: valid at the time of signing" \
	"  issuer organisation: Test Certificates 2011" "  valid at that time: yes" "chain:"
run vi-fail 1 InvalidEESignatureTest3EE.crt --lang vi
has "the Vietnamese FAILED result" "$VNTL_TMP/vi-fail" \
	"FAILED/SIG_CRYPTO_FAILURE: chữ ký trên một chứng thư của chuỗi không đúng (chi tiết: " \
	"  kết quả kiểm tra: không hợp lệ tại thời điểm ký" "  tính hợp lệ tại thời điểm ký: không"
run vi-json 1 InvalidEESignatureTest3EE.crt --lang vi --json
run en-json 1 InvalidEESignatureTest3EE.crt --json
has "the Vietnamese JSON" "$VNTL_TMP/vi-json" '"language": "vi"' '"verdict": "không hợp lệ tại thời điểm ký"'
# the English reason stays in the JSON, and is the reason of an English run
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
en=$(field "$VNTL_TMP/en-json" reason) vi_en=$(field "$VNTL_TMP/vi-json" reason_en)
if [ -z "$en" ] || [ "$en" != "$vi_en" ]; then
	echo "FAIL: reason_en of a Vietnamese run \"$vi_en\" is not the English reason \"$en\""
	failures=$((failures + 1))
fi
run fr 3 ValidCertificatePathTest1EE.crt --lang fr
has "the usage error" "$VNTL_TMP/stderr" '--lang wants vi or en, not "fr"'
finish
