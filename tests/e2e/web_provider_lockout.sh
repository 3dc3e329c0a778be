# The provider API over TLS on loopback: wrong passwords from one
# address lock out that address only (the real provider logs in from
# another: 127.0.0.2), staff see the attack in the log and /metrics, and the
# provider.* keys bound what a provider may propose.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
T="$VNTL_TMP"
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$T/tls" server
mkdir -p "$T/pub"
cat >"$T/vntl.conf" <<CONF
db = $T/registry.db
server.publication_dir = $T/pub
server.tls_cert = $T/tls/server.pem
server.tls_key = $T/tls/server.key
provider.max_ahead_days = 10
CONF
# No lists are served here: any certificate will do as the list signer
# that vntld insists on once it verifies what it serves.
echo "server.signer_cert = $T/tls/server.pem" >>"$T/vntl.conf"
V() { "$VNTL_BUILD/vntl" --config "$T/vntl.conf" "$@"; }
V init >/dev/null
V user add olga --role officer >/dev/null
V --as olga tsp add --kind foreign --name-vi "Nhà cung cấp" --name-en "Foreign DEMO" --country FR \
	--street "1 rue" --locality "Paris" --email demo@example.fr --uri https://example.fr >/dev/null
printf 'a provider secret\n' >"$T/secret"
V --as olga user add sp-demo --role provider --tsp 1 --secret-file "$T/secret" >/dev/null

web_start --config "$T/vntl.conf"
login() { # source-address password -> "status body"
	curl -sk --interface "$1" -H 'Content-Type: application/json' -w ' %{http_code}' \
		-d "{\"sp_id\":\"sp-demo\",\"sp_password\":\"$2\"}" "$URL/api/v1/provider/token"
}
metric() { curl -sk "$URL/metrics" | sed -n "s/^$1 //p"; }
for i in 1 2 3 4 5; do
	out=$(login 127.0.0.1 wrong)
	case "$out" in *' 401') ;; *) web_fail "wrong secret $i: $out" ;; esac
done
out=$(login 127.0.0.1 "a provider secret")
case "$out" in *too-many-failed-logins*' 429') ;; *) web_fail "the attacker's address was not limited: $out" ;; esac
out=$(login 127.0.0.2 "a provider secret")
case "$out" in *'"token":"'*' 200') ;; *) web_fail "the provider was locked out from its own address: $out" ;; esac
token=$(echo "$out" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
[ ${#token} -eq 64 ] || web_fail "token is not 64 hex digits: $token"

grep -q 'event=provider-under-attack sp_id=sp-demo failures=5 ' "$VNTLD_LOG" || web_fail "no alert in the log"
[ "$(metric 'vntld_provider_attack_alerts_total')" = 1 ] || web_fail "alert not counted"
[ "$(metric 'vntld_provider_accounts_under_attack')" = 1 ] || web_fail "gauge not set"
[ "$(metric 'vntld_provider_logins_limited_total{limit="account-address"}')" = 1 ] ||
	web_fail "refusal not counted: $(curl -sk "$URL/metrics" | grep limited)"

# provider.max_ahead_days = 10 from the configuration file
propose() { # effective
	curl -sk --interface 127.0.0.2 -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
		-w ' %{http_code}' -d "{\"service_id\":1,\"status\":\"withdrawn\",\"reason\":\"r\",\"decision_ref\":\"d\",\"effective\":\"$1\"}" \
		"$URL/api/v1/provider/status-changes"
}
out=$(propose 9999-12-31T23:59:59Z)
case "$out" in *'"field":"effective"'*provider.max_ahead_days*' 400') ;; *) web_fail "9999 accepted: $out" ;; esac
out=$(propose "$(date -u -d '+20 days' +%Y-%m-%dT%H:%M:%SZ)")
case "$out" in *'more than 10 days after now'*' 400') ;; *) web_fail "provider.max_ahead_days not applied: $out" ;; esac
web_stop
echo "web_provider_lockout: ok"
