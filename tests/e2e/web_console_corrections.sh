# Issue 13: corrections and provider accounts in the staff console, with
# curl: every form goes through db_correction_propose / approve / reject
# (the CLI's and the API's), with the CSRF token and the four eyes; the
# review page's before/after; a provider account made in the console whose
# proposal shows on the dashboard like a staff one; a certificate's page
# with the versions it was published in and the decisions behind its
# timeline; the SQL search and audit filters.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
. "$VNTL_SRC/tests/lib/web_console_setup.sh"
T="$VNTL_TMP"
console_setup "$T" || web_fail "registry setup"
web_start --config "$CONF"
sql() { sqlite3 "$T/registry.db" "$1"; }
fixes() { sql "SELECT count(*) FROM correction"; }

# The form of each kind asks for that kind's fields.
get staff jar-tam "/admin/corrections/new" >"$T/menu.html"
for kind in tsp.edit tsp.retire service.move service.rename user.add user.roles user.disable user.cert user.secret \
	user.revoke-tokens; do
	grep -q "href=\"/admin/corrections/new?action=$kind\"" "$T/menu.html" || web_fail "no form for $kind"
done
get staff jar-tam "/admin/corrections/new?action=service.move&service_id=$SERVICE" >"$T/form.html"
grep -q 'name="to_tsp"' "$T/form.html" && grep -q "name=\"service_id\" type=\"number\" value=\"$SERVICE\"" "$T/form.html" ||
	web_fail "move form: fields or prefill missing"
if grep -q 'name="name_en"' "$T/form.html"; then web_fail "the move form asks for names"; fi
tok=$(csrf_of <"$T/form.html")

# Refused: no token, a bad id, the registry's rules; nothing is written.
n0=$(fixes)
[ "$(post staff jar-tam /admin/corrections action=tsp.edit tsp_id=2 name_en=X reason=R)" = 403 ] ||
	web_fail "a correction without the CSRF token"
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=tsp.edit tsp_id=abc name_en=X reason=R)" = 400 ] &&
	grep -q 'tsp_id: must be a positive id' "$T/body" || web_fail "bad tsp_id: $(grep problem "$T/body")"
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=tsp.edit tsp_id=2 reason=R)" = 400 ] &&
	grep -q 'at least one of' "$T/body" || web_fail "an edit changing nothing: $(grep problem "$T/body")"
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=service.move service_id="$SERVICE" to_tsp=1 reason=R)" = 400 ] &&
	grep -q 'one kind' "$T/body" || web_fail "a move across kinds: $(grep problem "$T/body")"
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=tsp.edit tsp_id=2 name_en=X)" = 400 ] &&
	grep -q 'reason' "$T/body" || web_fail "no reason"
[ "$(post unknown jar-anh /admin/corrections csrf="$(get unknown jar-anh "/admin/corrections/new?action=tsp.edit" | csrf_of)" \
	action=tsp.edit tsp_id=2 name_en=X reason=R)" = 400 ] && grep -q 'officer' "$T/body" ||
	web_fail "an approver without the officer role proposed: $(grep problem "$T/body")"
[ "$(fixes)" = "$n0" ] || web_fail "a refused correction was recorded"

# A TSP edit (a stray field of another kind is ignored), reviewed with its
# before/after; the proposer has no buttons and is refused anyway.
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=tsp.edit tsp_id=2 name_en='<i>Fixed</i> SG' \
	user=olga reason='giấy phép <b>')" = 303 ] || web_fail "tsp.edit: $(grep problem "$T/body")"
id=$(header Location | sed -n 's|^/admin/corrections/\([0-9]*\)?done=proposed$|\1|p')
[ -n "$id" ] || web_fail "no redirect to the correction: $(header Location)"
[ "$(sql "SELECT action || ' ' || target || ' ' || payload FROM correction WHERE id = $id")" = \
	'tsp.edit tsp:2 {"name_en":"<i>Fixed</i> SG"}' ] || web_fail "payload: $(sql "SELECT payload FROM correction WHERE id = $id")"
get staff jar-tam "/admin/corrections/$id" >"$T/review.html"
grep -q '<td>name_en</td><td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</td><td><strong>&lt;i&gt;Fixed&lt;/i&gt; SG</strong>' \
	"$T/review.html" || web_fail "before/after of the edit"
grep -q 'giấy phép &lt;b&gt;' "$T/review.html" && grep -q 'id="own-proposal"' "$T/review.html" || web_fail "review page"
if grep -q 'id="approve"' "$T/review.html"; then web_fail "the proposer sees an approve button"; fi
if grep -Eq '<script|<i>' "$T/review.html"; then web_fail "markup reached the review page"; fi
[ "$(post staff jar-tam "/admin/corrections/$id/approve" csrf="$tok")" = 409 ] || web_fail "the proposer approved"

# The dashboard lists it, tagged staff; the approver approves with a note.
get unknown jar-anh /admin/ >"$T/dash.html"
grep -q "href=\"/admin/corrections/$id\"" "$T/dash.html" || web_fail "correction not on the dashboard"
get unknown jar-anh "/admin/corrections/$id" >"$T/review2.html"
grep -q 'id="approve"' "$T/review2.html" || web_fail "the approver sees no approve button"
tok2=$(csrf_of <"$T/review2.html")
[ "$(post unknown jar-anh "/admin/corrections/$id/approve" note='đã đối chiếu')" = 403 ] || web_fail "approve without the token"
[ "$(post unknown jar-anh "/admin/corrections/$id/approve" csrf="$tok2" note='đã đối chiếu')" = 303 ] ||
	web_fail "approve: $(grep problem "$T/body")"
[ "$(sql "SELECT state || ' ' || decision_note FROM correction WHERE id = $id")" = 'applied đã đối chiếu' ] ||
	web_fail "not applied"
[ "$(sql "SELECT name_en FROM tsp_now WHERE id = 2")" = '<i>Fixed</i> SG' ] || web_fail "the TSP was not corrected"

# Rejection needs a reason.
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=service.rename service_id="$SERVICE" name_en='Renamed' \
	reason=R)" = 303 ] || web_fail "rename: $(grep problem "$T/body")"
rid=$(header Location | sed -n 's|^/admin/corrections/\([0-9]*\)?.*|\1|p')
[ "$(post unknown jar-anh "/admin/corrections/$rid/reject" csrf="$tok2")" = 400 ] || web_fail "reject without a note"
[ "$(post unknown jar-anh "/admin/corrections/$rid/reject" csrf="$tok2" note='sai tên')" = 303 ] || web_fail "reject"
[ "$(sql "SELECT state FROM correction WHERE id = $rid")" = rejected ] || web_fail "not rejected"

# A correction about the approver: they are the user concerned, no buttons.
fp=$(openssl x509 -in "$T/cc/staff.pem" -outform DER | sha256sum | cut -c1-64)
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=user.roles user=anh roles=approver reason=R)" = 303 ] ||
	web_fail "user.roles: $(grep problem "$T/body")"
uid=$(header Location | sed -n 's|^/admin/corrections/\([0-9]*\)?.*|\1|p')
get unknown jar-anh "/admin/corrections/$uid" >"$T/self.html"
grep -q 'id="own-proposal"' "$T/self.html" || web_fail "the user concerned is not told"
if grep -q 'id="approve"' "$T/self.html"; then web_fail "the user concerned sees an approve button"; fi
grep -q '<td>roles</td><td>approver,auditor</td><td><strong>approver</strong>' "$T/self.html" || web_fail "roles before/after"
[ "$(post unknown jar-anh "/admin/corrections/$uid/approve" csrf="$tok2")" = 409 ] || web_fail "the user concerned approved"

# A provider account made in the console (its secret is never shown back),
# approved; the users page shows it with its TSP; its proposal through the
# provider API is on the dashboard, tagged provider.
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=user.add user=sp-sg roles=provider tsp_id=2 \
	secret=short reason=R)" = 400 ] && grep -q '16 characters' "$T/body" || web_fail "a short secret: $(grep problem "$T/body")"
if grep -q 'value="short"' "$T/body"; then web_fail "the secret was sent back in the form"; fi
[ "$(post staff jar-tam /admin/corrections csrf="$tok" action=user.add user=sp-sg roles=provider tsp_id=2 \
	secret='a provider secret 1234' reason='new provider')" = 303 ] || web_fail "user.add provider: $(grep problem "$T/body")"
pid=$(header Location | sed -n 's|^/admin/corrections/\([0-9]*\)?.*|\1|p')
[ "$(post unknown jar-anh "/admin/corrections/$pid/approve" csrf="$tok2")" = 303 ] || web_fail "approve the provider"
get staff jar-tam /admin/users >"$T/users.html"
grep -q '<td>sp-sg</td><td>provider <span class="tag provider">' "$T/users.html" &&
	grep -q '2: Nhà cung cấp &lt;b&gt;nước ngoài&lt;/b&gt; · &lt;i&gt;Fixed&lt;/i&gt; SG' "$T/users.html" ||
	web_fail "provider account on the users page"
grep -q 'href="/admin/corrections/new?action=user.revoke-tokens&amp;user=sp-sg"' "$T/users.html" ||
	web_fail "no revoke-tokens link for the provider"
out=$(curl -sk -H 'Content-Type: application/json' -w ' %{http_code}' \
	-d "{\"sp_id\":\"sp-sg\",\"sp_password\":\"a provider secret 1234\",\"service_id\":$SERVICE,\"status\":\"suspended\",\"reason\":\"key compromise\",\"decision_ref\":\"SG-1\"}" \
	"$URL/api/v1/provider/status-changes")
case "$out" in *' 201') ;; *) web_fail "provider proposal: $out" ;; esac
cid=$(echo "$out" | sed -n 's/.*"change_id":\([0-9]*\).*/\1/p')
get unknown jar-anh /admin/ >"$T/dash.html"
grep -q "href=\"/admin/changes/$cid\"" "$T/dash.html" && grep -q 'sp-sg <span class="tag provider">' "$T/dash.html" ||
	web_fail "provider proposal not on the dashboard"
get unknown jar-anh "/admin/changes/$cid" >"$T/change.html"
grep -q 'id="proposer">sp-sg <span class="tag provider">' "$T/change.html" && grep -q 'id="approve"' "$T/change.html" ||
	web_fail "provider proposal review"
[ "$(post unknown jar-anh "/admin/changes/$cid/approve" csrf="$tok2" note='xác nhận')" = 303 ] || web_fail "approve"

# The certificate's page: the versions it was published in and, for each
# status entry, the proposal and approval behind it.
get staff jar-tam "/admin/certificates/$SERVICE" >"$T/cert.html"
grep -q 'id="appearances"' "$T/cert.html" && grep -q '<a href="/foreign/1.xml">1</a>' "$T/cert.html" ||
	web_fail "published versions missing"
grep -q "href=\"/admin/changes/$cid\">#$cid</a>" "$T/cert.html" && grep -q 'xác nhận' "$T/cert.html" &&
	grep -q 'at import' "$T/cert.html" || web_fail "decisions behind the timeline"
# vntld republishes after the approval: a new version carries "suspended"
# (an earlier one, published after the TSP edit, still "recognised")
entry=$(sql "SELECT id FROM status_history WHERE change_id = $cid")
for _ in $(seq 50); do
	[ "$(sql "SELECT count(*) FROM publication WHERE list = 'foreign' AND status_upto >= $entry")" -ge 1 ] && break
	sleep 0.2
done
seq_new=$(sql "SELECT min(sequence) FROM publication WHERE list = 'foreign' AND status_upto >= $entry")
get staff jar-tam "/admin/certificates/$SERVICE" >"$T/cert.html"
grep "href=\"/foreign/$seq_new.xml\"" "$T/cert.html" | grep -q '<td>suspended</td>' &&
	grep 'href="/foreign/1.xml"' "$T/cert.html" | grep -q '<td>recognised</td>' ||
	web_fail "the versions' statuses: $(grep 'foreign/' "$T/cert.html")"

# Search in SQL: LIKE wildcards are literal; the count of all hits.
get staff jar-tam "/admin/certificates?q=%25" >"$T/search.html"
[ "$(grep -c 'href="/admin/certificates/[0-9]*"' "$T/search.html")" = 0 ] || web_fail "'%' matched everything"
get staff jar-tam "/admin/certificates?q=Fixed&status=suspended" >"$T/search.html"
[ "$(grep -c 'href="/admin/certificates/[0-9]*"' "$T/search.html")" = 1 ] && grep -q 'id="count">1 / 1<' "$T/search.html" ||
	web_fail "search by corrected name and status"
get staff jar-tam "/admin/certificates?status=boss" >"$T/search.html"
grep -q 'status: must be' "$T/search.html" || web_fail "unknown status filter not named"

# Audit filters in SQL: an action prefix and an actor.
get unknown jar-anh "/admin/audit?action=correction.&actor=anh" >"$T/audit.html"
[ "$(grep -c '<td>correction.apply</td>' "$T/audit.html")" = 2 ] && grep -q '<td>correction.reject</td>' "$T/audit.html" ||
	web_fail "audit filter: $(grep -c '<tr>' "$T/audit.html") rows"
if grep -Eq '<td>(tam|change\.apply)</td>' "$T/audit.html"; then web_fail "audit filter let other entries through"; fi
# The public page of that version: what changed in it (the suspension,
# with its decision), and the search over the served lists (a GET form).
for _ in $(seq 25); do
	curl -sk "$URL/" >"$T/public.html"
	grep -q "What changed in this version ($seq_new so với" "$T/public.html" && break
	sleep 0.2
done
sed -n '/id="changes-foreign"/,/<\/details>/p' "$T/public.html" >"$T/changes.html"
grep -q 'Được công nhận / recognised → Không còn công nhận / deprecated' "$T/changes.html" ||
	web_fail "the suspension is not among the changes: $(sed -n '/id="changes-foreign"/,+6p' "$T/public.html" | cut -c1-300)"
grep -q 'Quyết định / decision: SG-1' "$T/public.html" && grep -q 'Loại / type: CA/PKC' "$T/public.html" ||
	web_fail "decision or service type missing on the public page"
grep -q '<form method="get" action="/search"' "$T/public.html" || web_fail "no search form on the public page"
curl -sk -D "$T/h" "$URL/search?q=sg-1" >"$T/found.html"
[ "$(grep -c '<a href="/#foreign">foreign</a>' "$T/found.html")" = 1 ] && grep -q 'id="found">1 kết quả' "$T/found.html" ||
	web_fail "public search by decision: $(grep found "$T/found.html")"
grep -qi '^content-type: text/html; charset=utf-8' "$T/h" || web_fail "search page type"
curl -sk "$URL/search?q=%3Cscript%3E" >"$T/found.html"
if grep -q '<script' "$T/found.html"; then web_fail "the query reached the search page as markup"; fi
grep -q 'value="&lt;script&gt;"' "$T/found.html" || web_fail "the query is not shown back escaped"
web_stop
echo "web_console_corrections: ok"
