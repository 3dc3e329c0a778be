// The staff console in a real browser (Debian's chromium, headless, driven
// by puppeteer-core): run by tests/e2e/web_console_browser.sh, which starts
// vntld and prepares one HOME (NSS database with the client certificate)
// and one chromium profile (auto-selecting that certificate) per person.
//   env: URL, SERVICE, HOSTILE, SHOTS, and for each of OFFICER, APPROVER,
//   NOCERT: <WHO>_HOME and <WHO>_PROFILE.
// Prints one line per check; exits 1 at the first failure.
'use strict';
const puppeteer = require('puppeteer-core');
const path = require('path');
const http = require('http');

const URL = process.env.URL;
const SHOTS = process.env.SHOTS;
const browsers = [];

function fail(msg) {
	throw new Error(msg);
}

function check(cond, msg) {
	if (!cond)
		fail(msg);
	console.log('ok - ' + msg);
}

async function launch(who) {
	const browser = await puppeteer.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		userDataDir: process.env[who + '_PROFILE'],
		// --ignore-certificate-errors: vntld's test certificate is self-issued
		args: ['--ignore-certificate-errors', '--no-sandbox', '--no-first-run', '--disable-gpu',
		       '--disable-dev-shm-usage'],
		env: { ...process.env, HOME: process.env[who + '_HOME'] },
		protocolTimeout: 30000,
	});
	browsers.push(browser);
	const page = await browser.newPage();
	page.setDefaultTimeout(15000);
	await page.setViewport({ width: 1100, height: 900 });
	const errors = [];
	// a Content-Security-Policy violation or a script error fails the test
	// (the refusals the test provokes on purpose are logged as failed loads)
	page.on('console', (m) => {
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
			errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(String(e)));
	page.errors = errors;
	return page;
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
}

async function text(page, selector) {
	return page.$eval(selector, (e) => e.textContent);
}

// No sideways scrolling on a phone: the page is no wider than the screen.
async function fitsPhone(page, name) {
	await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
	await page.reload({ waitUntil: 'load' });
	const width = await page.evaluate(() => document.documentElement.scrollWidth);
	check(width <= 390, `${name} fits 390 px without sideways scrolling (scrollWidth ${width})`);
	await shot(page, 'console-' + name + '-390px');
	await page.setViewport({ width: 1100, height: 900 });
}

// A POST from the page's own origin, as a forged form would arrive: with
// the session cookie and the certificate, without the right token.
async function post(page, where, body) {
	return page.evaluate(async (u, b) => {
		const r = await fetch(u, { method: 'POST', body: new URLSearchParams(b), credentials: 'same-origin' });
		return { status: r.status, text: await r.text() };
	}, where, body);
}

async function noConsoleWithoutCertificate() {
	const page = await launch('NOCERT');
	for (const where of ['/admin/', '/admin/propose', '/admin/audit', '/admin/changes/1']) {
		const r = await page.goto(URL + where, { waitUntil: 'load' });
		const body = await page.evaluate(() => document.body.innerText);
		check(r.status() === 403 && body.includes('Access refused') && !body.includes('Dashboard'),
		      `without a client certificate ${where} is refused (${r.status()})`);
	}
	await shot(page, 'console-refused');
	const pub = await page.goto(URL + '/', { waitUntil: 'load' });
	check(pub.status() === 200, 'the public page needs no certificate');
}

async function propose(officer) {
	let r = await officer.goto(URL + '/admin/', { waitUntil: 'load' });
	check(r.status() === 200 && (await text(officer, '.who')).startsWith('tam'),
	      'the officer reaches the dashboard with the certificate');
	check(r.headers()['content-security-policy'].includes("frame-ancestors 'none'") &&
	      r.headers()['cache-control'] === 'no-store' && r.headers()['x-frame-options'] === 'DENY',
	      'staff pages carry CSP, X-Frame-Options and no-store');
	const bg = await officer.$eval('header', (h) => getComputedStyle(h).backgroundColor);
	check(bg === 'rgb(139, 29, 29)', `the stylesheet from /admin/static/ applies under the CSP (${bg})`);
	await shot(officer, 'console-dashboard');
	await fitsPhone(officer, 'dashboard');
	await officer.goto(URL + '/admin/propose', { waitUntil: 'load' });
	await officer.type('#service', process.env.SERVICE);
	await officer.select('#status', 'suspended');
	await officer.type('#decision_ref', 'QĐ 99/QĐ-NEAC');
	await officer.type('#reason', 'Kiểm tra định kỳ: không đạt / periodic audit failed');
	await shot(officer, 'console-propose');
	await Promise.all([officer.waitForNavigation({ waitUntil: 'load' }), officer.click('#propose')]);
	const m = /\/admin\/changes\/(\d+)\?done=proposed$/.exec(officer.url());
	check(m !== null, 'the proposal is accepted and its page shown: ' + officer.url());
	return m[1];
}

async function proposerCannotApprove(officer, id) {
	check(await officer.$('#approve') === null && await officer.$('#own-proposal') !== null,
	      'the proposer sees no approve button');
	const tsp = await text(officer, '#tsp-name');
	check(tsp.includes(process.env.HOSTILE), 'a provider name holding <script> is shown as text');
	check(await officer.evaluate(() => document.scripts.length) === 0, 'no script element reached the page');
	check((await text(officer, '#status-after')).includes('deprecatedatnationallevel'),
	      'the review shows what will be published (Svcstatus/deprecatedatnationallevel)');
	await shot(officer, 'console-review-proposer');
	await fitsPhone(officer, 'review');
	// The server refuses too, even with this session's own CSRF token.
	await officer.goto(URL + '/admin/propose', { waitUntil: 'load' });
	const token = await officer.$eval('input[name=csrf]', (e) => e.value);
	const r = await post(officer, `/admin/changes/${id}/approve`, { csrf: token, note: 'mine' });
	check(r.status === 409 && r.text.includes('Refused'), `the server refuses the proposer's own approval (${r.status})`);
}

// A foreign site the approver visits posts an approval form to vntld (the
// browser still presents the certificate): refused, nothing changes.
async function crossSite(approver, id) {
	const server = http.createServer((req, res) => {
		res.setHeader('Content-Type', 'text/html');
		res.end(`<form id="f" method="post" action="${URL}/admin/changes/${id}/approve">` +
			'<input name="note" value="cross-site"></form><script>document.getElementById("f").submit()</script>');
	});
	await new Promise((res) => server.listen(0, '127.0.0.1', res));
	const evil = `http://127.0.0.1:${server.address().port}/`;
	const [response] = await Promise.all([
		approver.waitForNavigation({ waitUntil: 'load' }),
		approver.goto(evil),
	]);
	server.close();
	const body = await approver.evaluate(() => document.body.innerText);
	check(response.status() === 403 && body.includes('Request refused'),
	      `a form posted from another site is refused (${response.status()})`);
}

async function approve(approver, id) {
	await approver.goto(URL + '/admin/', { waitUntil: 'load' });
	check(await approver.$(`a[href="/admin/changes/${id}"]`) !== null, 'the approver sees the proposal pending');
	await approver.goto(URL + `/admin/changes/${id}`, { waitUntil: 'load' });
	// Forged: no token, then a wrong one; the change stays pending.
	let r = await post(approver, `/admin/changes/${id}/approve`, { note: 'forged' });
	check(r.status === 403 && r.text.includes('CSRF'), `a POST without the CSRF token is refused (${r.status})`);
	r = await post(approver, `/admin/changes/${id}/approve`, { note: 'forged', csrf: 'ab'.repeat(32) });
	check(r.status === 403, `a POST with a wrong CSRF token is refused (${r.status})`);
	await crossSite(approver, id);
	await approver.goto(URL + `/admin/changes/${id}`, { waitUntil: 'load' });
	check((await text(approver, '#state')) === 'pending', 'the forged approvals changed nothing');
	await shot(approver, 'console-review-approver');
	await approver.type('#approve-note', 'Đồng ý / agreed');
	await Promise.all([approver.waitForNavigation({ waitUntil: 'load' }), approver.click('#approve')]);
	check(approver.url().endsWith(`/admin/changes/${id}?done=approved`) &&
	      (await text(approver, '#state')) === 'applied' && (await text(approver, '#decider')).startsWith('anh'),
	      'the approver approves with the other certificate');
	await shot(approver, 'console-approved');
}

async function audit(approver) {
	const r = await approver.goto(URL + '/admin/audit?actor=tam&action=change.', { waitUntil: 'load' });
	const rows = await approver.$$eval('#audit tr', (trs) => trs.slice(1).map((t) => t.textContent));
	check(r.status() === 200 && rows.length >= 1 && rows.every((t) => t.includes('tam') && t.includes('change.')),
	      `the audit log filters by actor and action (${rows.length} rows)`);
	const head = await text(approver, '#head-hash');
	check(/^[0-9a-f]{64}$/.test(head), 'the audit page verifies the chain and shows its head hash');
	await shot(approver, 'console-audit');
	await fitsPhone(approver, 'audit');
}

async function certificates(page) {
	await page.goto(URL + '/admin/certificates', { waitUntil: 'load' });
	await page.type('#q', 'script');
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form.filters button')]);
	const found = await page.$$eval('#certificates tr', (trs) => trs.slice(1).map((t) => t.textContent));
	check(found.length >= 1 && found.every((t) => t.includes(process.env.HOSTILE)),
	      `certificate search by provider name finds its services (${found.length})`);
	await shot(page, 'console-certificates');
	await page.goto(URL + '/admin/certificates/' + process.env.SERVICE, { waitUntil: 'load' });
	check((await text(page, '#status-now')).startsWith('suspended'), 'the certificate page shows the new status');
	const decisions = await page.$$eval('#proposals tr', (trs) => trs.slice(1).map((t) => t.textContent));
	check(decisions.some((t) => t.includes('applied') && t.includes('anh')),
	      'the certificate page shows the decision behind the change');
	check((await page.$('#appearances')) !== null, 'the certificate page lists the versions it appeared in');
	await shot(page, 'console-certificate');
	await fitsPhone(page, 'certificate');
}

async function correctionForm(page) {
	await page.goto(URL + '/admin/corrections/new?action=tsp.edit', { waitUntil: 'load' });
	check((await page.$('input[name="name_en"]')) !== null, 'the correction form asks for the TSP fields');
	await shot(page, 'console-correction-form');
	await fitsPhone(page, 'correction-form');
}

async function published(page) {
	// vntld publishes by itself after the approval (server.publish_interval)
	for (let i = 0; i < 60; i++) {
		await page.goto(URL + '/', { waitUntil: 'load' });
		const body = await page.evaluate(() => document.body.innerText);
		// the public page's label of Svcstatus/deprecatedatnationallevel
		if (/\bdeprecated\b/.test(body)) {
			check(true, 'the public page served by vntld shows the suspension');
			await shot(page, 'public-after-approval');
			await fitsPhone(page, 'public');
			return;
		}
		await new Promise((res) => setTimeout(res, 200));
	}
	fail('the public page never showed the suspension');
}

(async () => {
	try {
		await noConsoleWithoutCertificate();
		const officer = await launch('OFFICER');
		const approver = await launch('APPROVER');
		const id = await propose(officer);
		await proposerCannotApprove(officer, id);
		await approve(approver, id);
		await audit(approver);
		await certificates(approver);
		await correctionForm(officer);
		await published(officer);
		for (const p of [officer, approver])
			check(p.errors.length === 0, 'no console errors or CSP violations: ' + JSON.stringify(p.errors));
		console.log('CHANGE=' + id);
	} catch (e) {
		console.log('not ok - ' + e.message);
		process.exitCode = 1;
	} finally {
		for (const b of browsers)
			await b.close().catch(() => {});
	}
})();
