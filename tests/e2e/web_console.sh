# Issue 13: the staff console's rules over HTTPS with curl (the browser test,
# web_console_browser.sh, walks the pages): who gets in, the security
# headers, the session and CSRF rules of every POST, form validation through
# the registry's rules, escaping, the audit page's access and chain head,
# the JSON admin API beside it, and the session timeout.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
. "$VNTL_SRC/tests/lib/web_console_setup.sh"
T="$VNTL_TMP"
console_setup "$T" || web_fail "registry setup"
# a certificate of the staff CA that belongs to no one
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/cc/nobody.key" 2>/dev/null
openssl req -new -key "$T/cc/nobody.key" -subj "/CN=nobody" 2>/dev/null |
	openssl x509 -req -CA "$T/cc/ca.pem" -CAkey "$T/cc/ca.key" -CAcreateserial -days 30 -out "$T/cc/nobody.pem" 2>/dev/null
web_start --config "$CONF"
sql() { sqlite3 "$T/registry.db" "$1"; }

# Who gets in: nobody without a certificate or with an unregistered one;
# both refusals are pages, and audited.
fails_before=$(sql "SELECT count(*) FROM audit WHERE action = 'auth.fail'")
[ "$(curl -sk -o "$T/body" -w '%{http_code}' "$URL/admin/")" = 403 ] || web_fail "no certificate: not 403"
grep -q 'No client certificate' "$T/body" && grep -q 'Không có chứng thư' "$T/body" || web_fail "no-certificate page: $(cat "$T/body")"
code=$(curl -sk --cert "$T/cc/nobody.pem" --key "$T/cc/nobody.key" -o "$T/body" -w '%{http_code}' "$URL/admin/propose")
[ "$code" = 403 ] && grep -q 'belongs to no staff member' "$T/body" || web_fail "unknown certificate: $code $(cat "$T/body")"
fails_after=$(sql "SELECT count(*) FROM audit WHERE action = 'auth.fail'")
[ "$fails_after" -ge $((fails_before + 2)) ] || web_fail "refusals not audited ($fails_before -> $fails_after)"
grep -q 'admin-refused.*unknown certificate' "$VNTLD_LOG" || web_fail "unknown certificate not logged"
[ "$(curl -sk -o /dev/null -w '%{http_code}' "$URL/admin/api/changes")" = 401 ] || web_fail "admin API without certificate"

# Staff pages: headers, cookie, no inline code, CSS from /admin/static/.
get staff jar-tam /admin/ >"$T/dash.html"
grep -q '^HTTP/1.1 200' "$T/h" || web_fail "dashboard: $(head -n 1 "$T/h")"
csp=$(header Content-Security-Policy)
case "$csp" in *"default-src 'self'"*"frame-ancestors 'none'"*) ;; *) web_fail "CSP: $csp" ;; esac
case "$csp" in *unsafe-inline*|*unsafe-eval*) web_fail "CSP allows inline code: $csp" ;; esac
[ "$(header X-Frame-Options)" = DENY ] && [ "$(header Cache-Control)" = no-store ] || web_fail "frame/cache headers"
case "$(header Set-Cookie)" in *"; Secure; HttpOnly; SameSite=Strict"*) ;; *) web_fail "cookie: $(header Set-Cookie)" ;; esac
if grep -Eq '<script|style=|<style' "$T/dash.html"; then web_fail "inline script or style in the dashboard"; fi
[ "$(curl -sk -o /dev/null -w '%{http_code} %{content_type}' "$URL/admin/static/console.css")" = "200 text/css; charset=utf-8" ] ||
	web_fail "stylesheet"
[ "$(curl -sk -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/admin")" = "303 $URL/admin/" ] || web_fail "/admin redirect"
get staff jar-tam /admin/api/changes | grep -q '"changes"' || web_fail "the JSON admin API no longer answers"

# Propose: refused without the session's token, from another origin, with a
# body that is no form, with the token of another certificate's session.
get staff jar-tam /admin/propose >"$T/form.html"
tok=$(csrf_of <"$T/form.html")
[ ${#tok} = 64 ] || web_fail "no CSRF token in the propose form"
pending() { sql "SELECT count(*) FROM change_request"; }
n0=$(pending)
[ "$(post staff jar-tam /admin/propose service="$SERVICE" status=suspended decision_ref=X reason=Y)" = 403 ] &&
	grep -q CSRF "$T/body" || web_fail "POST without the token: $(cat "$T/body")"
[ "$(post staff jar-tam /admin/propose csrf="$tok" service="$SERVICE" status=suspended decision_ref=X reason=Y \
	-H 'Origin: https://evil.example')" = 403 ] || web_fail "foreign Origin accepted"
code=$(curl -sk --cert "$T/cc/staff.pem" --key "$T/cc/staff.key" -b "$T/jar-tam" -o "$T/body" -w '%{http_code}' \
	-H 'Content-Type: application/json' -d "{\"csrf\":\"$tok\"}" "$URL/admin/propose")
[ "$code" = 403 ] && grep -q 'not a form' "$T/body" || web_fail "JSON body accepted as a form: $code"
get unknown jar-anh /admin/ >/dev/null
cp "$T/jar-tam" "$T/jar-stolen"
[ "$(post unknown jar-stolen /admin/propose csrf="$tok" service="$SERVICE" status=suspended decision_ref=X reason=Y)" = 403 ] ||
	web_fail "a session and token used with another certificate"
[ "$(pending)" = "$n0" ] || web_fail "a refused POST created a proposal"

# Validation: the registry's rules, a clear message, nothing created.
[ "$(post staff jar-tam /admin/propose csrf="$tok" service="$SERVICE" status=suspended decision_ref=X reason=)" = 400 ] &&
	grep -q 'reason' "$T/body" || web_fail "empty reason: $(grep problem "$T/body")"
[ "$(post staff jar-tam /admin/propose csrf="$tok" service=99999 status=suspended decision_ref=X reason=Y)" = 400 ] ||
	web_fail "unknown service"
[ "$(post staff jar-tam /admin/propose csrf="$tok" service="$SERVICE" status=suspended decision_ref=X reason=Y \
	effective=tomorrow)" = 400 ] && grep -q 'effective' "$T/body" || web_fail "bad effective time"
[ "$(post staff jar-tam /admin/propose csrf="$tok" service="$SERVICE" status=granted decision_ref=X reason=Y)" = 400 ] ||
	web_fail "a transition the registry forbids (recognised -> granted)"
[ "$(pending)" = "$n0" ] || web_fail "a refused proposal was created"

# Accepted: effective time typed in Vietnam time (08:00 ICT = 01:00Z).
day=$(date -u -d '+2 days' +%Y-%m-%d)
[ "$(post staff jar-tam /admin/propose csrf="$tok" service="$SERVICE" status=suspended decision_ref="QĐ 5/DEMO" \
	reason="kiểm tra <b>" effective="${day}T08:00")" = 303 ] || web_fail "propose: $(cat "$T/body")"
id=$(header Location | sed -n 's|^/admin/changes/\([0-9]*\)?done=proposed$|\1|p')
[ -n "$id" ] || web_fail "no redirect to the proposal: $(header Location)"
[ "$(sql "SELECT effective FROM change_request WHERE id = $id")" = "$(date -u -d "${day}T01:00:00Z" +%s)" ] ||
	web_fail "effective time not read as Vietnam time"

# The proposal page: escaped names, no approve button for the proposer.
get staff jar-tam "/admin/changes/$id" >"$T/review.html"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co' "$T/review.html" || web_fail "hostile name not escaped"
grep -q 'kiểm tra &lt;b&gt;' "$T/review.html" || web_fail "reason not escaped"
if grep -q '<script' "$T/review.html"; then web_fail "a script element reached the page"; fi
if grep -q 'id="approve"' "$T/review.html"; then web_fail "the proposer sees an approve button"; fi
[ "$(post staff jar-tam "/admin/changes/$id/approve" csrf="$tok")" = 409 ] || web_fail "the proposer approved"
get unknown jar-anh "/admin/changes/$id" >"$T/review2.html"
grep -q 'id="approve"' "$T/review2.html" || web_fail "the approver sees no approve button"
tok2=$(csrf_of <"$T/review2.html")
# Reject needs a note (the registry's rule); then it is rejected.
[ "$(post unknown jar-anh "/admin/changes/$id/reject" csrf="$tok2")" = 409 ] || web_fail "reject without a note"
[ "$(post unknown jar-anh "/admin/changes/$id/reject" csrf="$tok2" note="thiếu hồ sơ")" = 303 ] || web_fail "reject"
[ "$(sql "SELECT state FROM change_request WHERE id = $id")" = rejected ] || web_fail "not rejected"

# Certificates: search by provider name, SHA-256 prefix, country and status;
# a certificate's page with its timeline and the decisions behind it.
get staff jar-tam "/admin/certificates?q=script" >"$T/search.html"
grep -q "href=\"/admin/certificates/$SERVICE\"" "$T/search.html" || web_fail "search by provider name"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/search.html" || web_fail "search results not escaped"
sha=$(sql "SELECT c.sha256 FROM service s JOIN cert c ON c.id = s.cert_id WHERE s.id = $SERVICE")
get staff jar-tam "/admin/certificates?q=$(echo "$sha" | cut -c1-10)" >"$T/search.html"
[ "$(grep -c 'href="/admin/certificates/[0-9]*"' "$T/search.html")" = 1 ] || web_fail "search by SHA-256 prefix"
get staff jar-tam "/admin/certificates?country=sg&status=recognised" >"$T/search.html"
[ "$(grep -c 'href="/admin/certificates/[0-9]*"' "$T/search.html")" = 2 ] || web_fail "search by country and status"
get staff jar-tam "/admin/certificates/$SERVICE" >"$T/cert.html"
grep -q 'QĐ 2/DEMO' "$T/cert.html" && grep -q "href=\"/admin/changes/$id\"" "$T/cert.html" &&
	grep -q 'thiếu hồ sơ' "$T/cert.html" || web_fail "certificate page lacks its timeline or decisions"
[ "$(get staff jar-tam /admin/certificates/ffffffffff -o /dev/null -w '%{http_code}')" = 404 ] || web_fail "unknown certificate page"

# Users: the list; adding a staff member is the officer's (the registry's
# rule), with the token, audited; bad input names the field.
get unknown jar-anh /admin/users >"$T/users.html"
grep -q '<td>tam</td><td>officer <span class="tag">' "$T/users.html" || web_fail "users list"
tok2=$(csrf_of <"$T/users.html")
newfp=$(openssl x509 -in "$T/cc/nobody.pem" -outform DER | sha256sum | cut -c1-64)
[ "$(post unknown jar-anh /admin/users csrf="$tok2" name=hoa roles=auditor cert_sha256="$newfp")" = 400 ] &&
	grep -q 'officer' "$T/body" || web_fail "an approver added a user: $(grep problem "$T/body")"
users0=$(sql "SELECT count(*) FROM account")
[ "$(post staff jar-tam /admin/users name=hoa roles=auditor cert_sha256="$newfp")" = 403 ] || web_fail "user added without token"
[ "$(post staff jar-tam /admin/users csrf="$tok" name=hoa roles=boss cert_sha256="$newfp")" = 400 ] &&
	grep -q 'boss' "$T/body" || web_fail "unknown role: $(grep problem "$T/body")"
[ "$(post staff jar-tam /admin/users csrf="$tok" name='hoa<b>' roles=auditor cert_sha256="$newfp")" = 400 ] ||
	web_fail "a name with markup was accepted"
[ "$(sql "SELECT count(*) FROM account")" = "$users0" ] || web_fail "a refused form added a user"
# past the bootstrap a new account is a four-eyes correction: proposed
# here, it opens nothing until another approver applies it
[ "$(post staff jar-tam /admin/users csrf="$tok" name=hoa roles=auditor cert_sha256="$newfp" reason="new auditor")" = 303 ] ||
	web_fail "add user: $(grep problem "$T/body")"
fix=$(header Location | sed -n 's|^/admin/users?proposed=\([0-9]*\)$|\1|p')
[ -n "$fix" ] || web_fail "add user did not propose a correction: $(header Location)"
get staff jar-tam "/admin/users?proposed=$fix" | grep -q "correction approve $fix<" || web_fail "no proposal notice"
[ "$(sql "SELECT count(*) FROM account")" = "$users0" ] || web_fail "a proposal added the user at once"
[ "$(get nobody jar-hoa /admin/ -o /dev/null -w '%{http_code}')" = 403 ] || web_fail "a proposed user got in"
"$VNTL_BUILD/vntl" --config "$CONF" --as anh correction approve "$fix" >/dev/null || web_fail "approve the new account"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'correction.propose' AND actor = 'tam'")" = 1 ] ||
	web_fail "the proposal is not audited"
# the new certificate now opens the console
[ "$(get nobody jar-hoa /admin/ -o /dev/null -w '%{http_code}')" = 200 ] || web_fail "the added user cannot get in"

# Audit: auditors only; filters; the head hash is the chain's.
[ "$(get staff jar-tam /admin/audit -o /dev/null -w '%{http_code}')" = 403 ] || web_fail "an officer read the audit log"
get unknown jar-anh "/admin/audit?actor=anh&action=change." >"$T/audit.html"
grep -q "change.reject" "$T/audit.html" || web_fail "audit filter lost the rejection"
if grep -q '<td>tam</td>' "$T/audit.html"; then web_fail "audit filter by actor let tam's entries through"; fi
head_hash=$(sql "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
grep -q "id=\"head-hash\">$head_hash<" "$T/audit.html" || web_fail "head hash is not the chain's ($head_hash)"
[ "$(get unknown jar-anh "/admin/audit?from=yesterday" -o /dev/null -w '%{http_code}')" = 400 ] || web_fail "bad date filter"
web_stop

# Sessions lapse: a form left open past console.session_timeout is refused.
echo "console.session_timeout = 1" >>"$CONF"
web_start --config "$CONF"
get staff jar-old /admin/propose >"$T/form.html"
tok=$(csrf_of <"$T/form.html")
sleep 2.2
[ "$(post staff jar-old /admin/propose csrf="$tok" service="$SERVICE" status=suspended decision_ref=X reason=Y)" = 403 ] &&
	grep -q 'expired' "$T/body" || web_fail "an expired session was accepted: $(grep problem "$T/body")"
web_stop
echo "web_console: ok"
