# Sourced by the staff console's tests: a demo registry with a foreign
# provider whose English name holds markup, two staff members with client
# certificates (tam: officer, cc/staff.pem; anh: approver and auditor,
# cc/unknown.pem), a first publication, and a configuration for vntld with
# admin mutual TLS and publication after approval every second.
#   console_setup DIR   sets CONF, SERVICE (a recognised foreign service),
#                       HOSTILE (the provider's English name)
console_setup() {
	d=$1
	sh "$VNTL_SRC/scripts/demo-pki.sh" "$d/pki" >/dev/null 2>&1
	sh "$VNTL_SRC/tests/lib/web_make_client_certs.sh" "$d/cc"
	sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$d/tls" server
	CONF="$d/vntl.conf"
	cat >"$CONF" <<CONF
db = $d/registry.db
publish.out = $d/pub
publish.key = $d/pki/list-signer.key
publish.cert = $d/pki/list-signer.pem
publish.base_url = https://127.0.0.1
server.publication_dir = $d/pub
server.tls_cert = $d/tls/server.pem
server.tls_key = $d/tls/server.key
server.client_ca = $d/cc/ca.pem
server.poll_interval_ms = 200
server.publish_interval = 1
CONF
	cfp() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
	V() { "$VNTL_BUILD/vntl" --config "$CONF" "$@"; }
	V init >/dev/null
	V user add olga --role officer >/dev/null
	V --as olga user add tam --role officer --cert-sha256 "$(cfp "$d/cc/staff.pem")" >/dev/null
	V --as olga user add anh --role approver,auditor --cert-sha256 "$(cfp "$d/cc/unknown.pem")" >/dev/null
	V --as olga tsp add --kind neac --name-vi "Trung tâm DEMO" --name-en "DEMO NEAC" --country VN \
		--street "15 Tran Phu" --locality "Ha Noi" --email demo@rootca.gov.vn --uri https://rootca.gov.vn >/dev/null
	V --as olga cert import --tsp 1 --decision "QĐ 1/DEMO" --effective 2020-01-01 "$d/pki/neac-root.pem" >/dev/null
	HOSTILE='<script>alert(1)</script> & Co'
	V --as olga tsp add --kind foreign --name-vi "Nhà cung cấp <b>nước ngoài</b>" --name-en "$HOSTILE" \
		--country SG --street "1 Demo Street" --locality "Singapore" --uri https://sg.demo.example >/dev/null
	SERVICE=$(V --as olga cert import --tsp 2 --decision "QĐ 2/DEMO" --effective 2020-01-01 "$d/pki/foreign-1.pem" |
		sed -n 's/^added: service \([0-9]*\) .*/\1/p')
	V --as olga cert import --tsp 2 --decision "QĐ 3/DEMO" --effective 2020-01-01 "$d/pki/foreign-2.pem" >/dev/null
	V --as olga publish >/dev/null 2>&1
	[ -n "$SERVICE" ]
}

# curl as a staff member over the console ($T: scratch folder, $URL: vntld).
# as WHO (staff = tam, officer; unknown = anh, approver) with cookie jar JAR
get() { # who jar path [curl args] -> body; headers in $T/h
	w=$1; j=$2; p=$3; shift 3
	curl -sk --cert "$T/cc/$w.pem" --key "$T/cc/$w.key" -b "$T/$j" -c "$T/$j" -D "$T/h" "$@" "$URL$p"
}
post() { # who jar path field=value... -> status code; body in $T/body, headers in $T/h
	w=$1; j=$2; p=$3; shift 3
	for f in "$@"; do # fields become --data-urlencode, header options stay
		shift
		case "$f" in -H|*:\ *) set -- "$@" "$f" ;; *) set -- "$@" --data-urlencode "$f" ;; esac
	done
	curl -sk --cert "$T/cc/$w.pem" --key "$T/cc/$w.key" -b "$T/$j" -c "$T/$j" -D "$T/h" -o "$T/body" \
		-w '%{http_code}' "$@" "$URL$p"
}
header() { sed -n "s/^$1: \(.*\)\r$/\1/Ip" "$T/h"; }
csrf_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1; }

