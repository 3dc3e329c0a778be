#!/bin/sh
# Install, with apt-get, whatever vntl needs to build, test, demo and benchmark
# that this Debian 12 machine lacks. Safe to run again: it installs nothing
# when everything is present.  --check only reports (exit 1 if something is
# missing) and never installs.
set -eu

# pkg-config module -> Debian package providing it
LIBS="openssl:libssl-dev libxml-2.0:libxml2-dev xmlsec1-openssl:libxmlsec1-dev
sqlite3:libsqlite3-dev libmicrohttpd:libmicrohttpd-dev libcurl:libcurl4-openssl-dev
cmocka:libcmocka-dev jansson:libjansson-dev gnutls:libgnutls28-dev p11-kit-1:libp11-kit-dev"

# command -> Debian package (tools the build, tests, demo and benchmarks run)
TOOLS="pkg-config:pkg-config cc:gcc make:make openssl:openssl xmllint:libxml2-utils
xmlsec1:xmlsec1 sqlite3:sqlite3 curl:curl python3:python3 wrk:wrk nginx:nginx-light
node:nodejs npm:npm softhsm2-util:softhsm2 pkcs11-tool:opensc clang:clang
chromium:chromium pk12util:libnss3-tools certutil:libnss3-tools"

# file -> Debian package (PKCS#11: the OpenSSL engine the tests make
# self-signed token certificates with, p11-kit's proxy module (the
# default), SoftHSM2's module; PyKCS11 for the test that tries to export
# the token's key)
FILES="/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so:libengine-pkcs11-openssl
/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so:p11-kit-modules
/usr/lib/softhsm/libsofthsm2.so:libsofthsm2
/usr/lib/python3/dist-packages/PyKCS11/__init__.py:python3-pykcs11"

# file pattern -> Debian package: libFuzzer's runtime (make fuzz), only
# recommended by clang, so not pulled in with --no-install-recommends
GLOBS="/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-dev"

missing=""
have_pkgconfig=0
command -v pkg-config >/dev/null 2>&1 && have_pkgconfig=1
for pair in $LIBS; do
	mod=${pair%%:*}; pkg=${pair#*:}
	if [ $have_pkgconfig -eq 0 ] || ! pkg-config --exists "$mod"; then
		missing="$missing $pkg"
	fi
done
for pair in $TOOLS; do
	cmd=${pair%%:*}; pkg=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
for pair in $FILES; do
	file=${pair%%:*}; pkg=${pair#*:}
	[ -e "$file" ] || missing="$missing $pkg"
done
for pair in $GLOBS; do
	pattern=${pair%%:*}; pkg=${pair#*:}
	# shellcheck disable=SC2086
	ls $pattern >/dev/null 2>&1 || missing="$missing $pkg"
done

if [ -z "$missing" ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "missing packages:$missing" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: need root to install:$missing (run: sudo $0)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# nginx-light starts a server on port 80 when installed; the benchmark starts
# its own, so stop the packaged one rather than leave it serving.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi
command -v nginx >/dev/null 2>&1 && { nginx -s stop >/dev/null 2>&1 || true; }
exit 0
