# Shared by the db_* end-to-end tests (sourced). Needs VNTL_BUILD, VNTL_SHARED, VNTL_TMP.
set -u
V="$VNTL_BUILD/vntl"
PKI="$VNTL_SHARED/vn-pki"
export VNTL_DB="$VNTL_TMP/registry.db"
unset VNTL_CONFIG

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect RC COMMAND...: run, capture stdout/stderr in $OUT/$ERR, check the exit code.
expect() {
	want=$1; shift
	"$@" >"$VNTL_TMP/out" 2>"$VNTL_TMP/err"
	got=$?
	OUT=$(cat "$VNTL_TMP/out"); ERR=$(cat "$VNTL_TMP/err")
	[ "$got" = "$want" ] || fail "exit $got (wanted $want): $*
stdout: $OUT
stderr: $ERR"
}

contains() { # haystack needle what
	case "$1" in *"$2"*) ;; *) fail "$3: '$2' not in: $1" ;; esac
}

# approved_user NAME ARGS...: after the bootstrap, olga proposes the user
# and anh approves the correction.
approved_user() {
	expect 0 "$V" --as olga user add "$@" --reason "new colleague"
	fix=$(printf '%s\n' "$OUT" | sed -n 's/^correction \([0-9]*\) proposed.*/\1/p')
	[ -n "$fix" ] || fail "user add $1 was not proposed: $OUT"
	expect 0 "$V" --as anh correction approve "$fix"
}

# A registry with staff olga (officer), anh and bao (approvers), an (auditor),
# TSPs 1 NEAC, 2 MISA (public CA), 3 Foreign One (foreign).
make_registry() {
	expect 0 "$V" init
	expect 0 "$V" user add olga --role officer
	expect 0 "$V" --as olga user add an --role auditor
	expect 0 "$V" --as olga user add anh --role approver
	approved_user bao --role approver
	expect 0 "$V" --as olga tsp add --kind neac --name-vi "Trung tâm Chứng thực điện tử quốc gia" \
		--name-en "National Electronic Authentication Centre" --country VN --uri https://rootca.gov.vn \
		--street "15 Trần Phú" --locality "Hà Nội"
	expect 0 "$V" --as olga tsp add --kind public-ca --name-vi "Công ty Cổ phần MISA" --name-en MISA --country VN \
		--street "Tòa nhà Technosoft" --locality "Hà Nội" --uri https://misa.vn
	expect 0 "$V" --as olga tsp add --kind foreign --name-vi "Nhà cung cấp nước ngoài" --name-en "Foreign One" --country DE \
		--street "1 Hauptstraße" --locality Berlin --uri https://one.example
}

# json_get FILE PYTHON_EXPR: evaluate an expression on the parsed JSON `j`.
json_get() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
