# Issue 13: the staff console in a real browser. Debian's chromium, headless,
# driven by puppeteer-core (pinned in tests/browser/package-lock.json,
# installed with npm ci into the build folder), each person with their own
# client certificate: an officer proposes a suspension, an approver approves
# it in a second browser, and vntld's next published list shows it; the
# proposer sees no approve button and the server refuses anyway; forged
# POSTs without the CSRF token are refused; a provider name holding
# <script> is shown as text; nothing of the console without a certificate.
# Screenshots go to $VNTL_BUILD/screenshots.
#
# Client certificates in headless chromium: each person gets a HOME whose
# NSS database ($HOME/.pki/nssdb, pk12util) holds their certificate and key,
# and a chromium profile whose Preferences auto-select it for vntld's origin
# (the per-profile form of the AutoSelectCertificateForUrls policy), so no
# certificate dialog is ever needed and nothing is written outside $VNTL_TMP.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
. "$VNTL_SRC/tests/lib/web_console_setup.sh"
T="$VNTL_TMP"
for tool in chromium node npm pk12util certutil; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is missing (scripts/install-deps.sh)"; exit 77; }
done

# puppeteer-core, exactly as locked; no browser download (the system
# chromium is used). Installed once per build folder and lock file.
deps="$VNTL_BUILD/browser-deps"
if ! cmp -s "$VNTL_SRC/tests/browser/package-lock.json" "$deps/package-lock.json" ||
	[ ! -d "$deps/node_modules/puppeteer-core" ]; then
	rm -rf "$deps.tmp" && mkdir -p "$deps.tmp"
	cp "$VNTL_SRC/tests/browser/package.json" "$VNTL_SRC/tests/browser/package-lock.json" "$deps.tmp/"
	(cd "$deps.tmp" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --prefer-offline >npm.log 2>&1) ||
		{ cat "$deps.tmp/npm.log"; web_fail "npm ci of tests/browser failed"; }
	rm -rf "$deps" && mv "$deps.tmp" "$deps"
fi

console_setup "$T" || web_fail "registry setup"
web_start --config "$CONF"
seq_before=$(curl -sk "$URL/index.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lists"]["foreign"]["sequence"])')

# person NAME CERT-BASENAME (empty: no certificate)
person() {
	home="$T/home-$1"; profile="$T/profile-$1"
	mkdir -p "$home/.pki/nssdb" "$profile/Default"
	certutil -N -d "sql:$home/.pki/nssdb" --empty-password
	if [ -n "$2" ]; then
		openssl pkcs12 -export -in "$T/cc/$2.pem" -inkey "$T/cc/$2.key" -name "$1" -passout pass: \
			-out "$T/$1.p12"
		pk12util -d "sql:$home/.pki/nssdb" -i "$T/$1.p12" -W '' >/dev/null
	fi
	printf '{"profile":{"content_settings":{"exceptions":{"auto_select_certificate":{"%s,*":{"setting":{"filters":[{}]}}}}}}}\n' \
		"$URL" >"$profile/Default/Preferences"
	name=$(echo "$1" | tr a-z A-Z)
	export "${name}_HOME=$home" "${name}_PROFILE=$profile"
}
person officer staff
person approver unknown
person nocert ""

shots="$VNTL_BUILD/screenshots"
mkdir -p "$shots"
audit_refusals() { sqlite3 "$T/registry.db" "SELECT count(*) FROM audit WHERE action = 'auth.fail'"; }
refusals_before=$(audit_refusals)
URL="$URL" SERVICE="$SERVICE" HOSTILE="$HOSTILE" SHOTS="$shots" NODE_PATH="$deps/node_modules" \
	timeout 300 node "$VNTL_SRC/tests/browser/console.cjs" >"$T/browser.out" 2>&1 || {
	cat "$T/browser.out"; web_fail "browser scenario"; }
cat "$T/browser.out"
[ "$(audit_refusals)" -gt "$refusals_before" ] || web_fail "the refusal without a certificate was not audited"

# The list vntld serves now says suspended, from a newer sequence.
web_wait_for "$URL/metrics" "^vntld_list_sequence{list=\"foreign\"} $((seq_before + 1))\$"
curl -sk -o "$T/foreign.xml" "$URL/foreign.xml"
name=$(sqlite3 "$T/registry.db" "SELECT name_en FROM service WHERE id = $SERVICE")
status=$(xmllint --xpath "string(//*[local-name()='TSPService'][.//*[local-name()='ServiceName']/*[local-name()='Name' and contains(., '$name')]]/*[local-name()='ServiceInformation']/*[local-name()='ServiceStatus'])" "$T/foreign.xml")
case "$status" in
*/deprecatedatnationallevel) ;;
*) web_fail "the served foreign list says '$status' for the service after the approval" ;;
esac
for s in dashboard propose review-proposer review-approver approved audit certificates certificate refused \
	dashboard-390px certificate-390px; do
	[ -s "$shots/console-$s.png" ] || web_fail "screenshot console-$s.png missing"
done
web_stop
echo "web_console_browser: ok"
