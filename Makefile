# vntl — build, test, demo, benchmark and install.
#
#   make            build everything into build/release
#   make check      install missing dependencies, run every test twice:
#                   a normal build and an ASan+UBSan build; then each
#                   libFuzzer target briefly (make fuzz) and the threaded
#                   tests under ThreadSanitizer (make tsan)
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (clang)
#   make demo       demo PKI + registry + signed lists, served on https://localhost:8443
#   make bench      benchmarks, each printed as a ratio against a baseline run alongside
#   make soak       vntld under the full-size attacks (idle, slowloris, slow readers)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Sources are found by folder (see DESIGN.md): adding a .c file to a module
# needs no change here.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build/release
SAN     ?= 0

# Tests, the demo and the benchmarks use Debian's tools first (the python3 with
# python3-cryptography, openssl and xmlsec1 that install-deps installs): a
# version manager's python3 shim earlier in PATH (pyenv) costs about half a
# second of CPU per call, some 300 calls per test run, and may lack the modules.
export PATH := /usr/bin:/bin:/usr/sbin:/sbin:$(PATH)

PKGS := openssl libxml-2.0 xmlsec1-openssl sqlite3 libmicrohttpd libcurl jansson gnutls p11-kit-1
# Missing pkg-config modules must not abort parsing: `make check` installs them first.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

CC      ?= cc
CSTD    := -std=c17 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(SAN),1)
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDSAN   := -fsanitize=address,undefined
else ifeq ($(SAN),thread)
# ThreadSanitizer build (make tsan): the tests that run threads.
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
LDSAN   := -fsanitize=thread
else ifeq ($(SAN),fuzz)
# clang's libFuzzer build (make fuzz): coverage on every library, ASan+UBSan.
# clang also flags vsnprintf of a va_list format and SQL split over string
# literals, which gcc's -Wformat=2 accepts and the code means.
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
           -fno-sanitize-recover=all -DVNTL_LIBFUZZER -Wno-format-nonliteral -Wno-string-concatenation
LDSAN   := -fsanitize=fuzzer,address,undefined
else
OPT     := -O2 -g
LDSAN   :=
endif
# --- hardening (every build; checked by tests/e2e/build_hardening.sh) ---
# Stack protector and clash protection, CET branch tracking and shadow stack
# where the compiler has them, full RELRO with immediate binding, and PIE
# programs (objects are -fPIC, which a PIE may link, because libvntl.so is
# made from the same objects). _FORTIFY_SOURCE needs the optimiser and
# duplicates what ASan checks, so it is in the release build only.
cc_has = $(shell $(CC) $(1) -Werror -E -x c /dev/null -o /dev/null >/dev/null 2>&1 && echo $(1))
HARDEN_CFLAGS := -fstack-protector-strong $(call cc_has,-fstack-clash-protection) \
                 $(call cc_has,-fcf-protection)
HARDEN_LDFLAGS := -Wl,-z,relro,-z,now
PIE_LDFLAGS := -pie
ifeq ($(SAN),0)
HARDEN_CFLAGS += -D_FORTIFY_SOURCE=2
endif

# --- version of the public library (validator/vntl.h) ---
# 2: vntl_list_info grew (ignored_services), which callers allocate.
# 2.1: vntl_ctx_load_pointed_location(), vntl_version().
# 3: vntl_ctx_pointer_location_prefix() (vntl-validate uses only this API);
#    vntl_chain_request grew (ekus, max_depth, profile), which callers allocate.
# 4: vntl_list_info and vntl_chain_request begin with their size (they can
#    grow without a new soname); the request takes inputs from memory.
# 4.1: vntl_index_announced_count/at(), vntl_ctx_pointer_signer_count/signer()
#    (signer rollover).
# 4.2: vntl_anchor_iter_new_der(), vntl_anchor_der(), vntl_anchor_subject_hash(),
#    vntl_anchor_validity(), vntl_cert_subject_hash() (a trust store written
#    without decoding the anchors).
VNTL_MAJOR := 4
VNTL_VERSION := 4.2.0

# Where `make install` puts the systemd units of `vntl-validate sync` (dist/systemd).
UNITDIR ?= $(PREFIX)/lib/systemd/system
# Where `make install` puts vntl's XSD profile: the validator's default schema.
SCHEMA_DIR := $(PREFIX)/share/vntl/schema
CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) $(HARDEN_CFLAGS) -fPIC -I. -Ivalidator $(PKG_CFLAGS) \
              -DVNTL_SCHEMA_DIR='"$(SCHEMA_DIR)"' -DVNTL_VERSION_STRING='"$(VNTL_VERSION)"' $(CFLAGS)
LDFLAGS_ALL := $(LDSAN) $(HARDEN_LDFLAGS) $(LDFLAGS)
# what $(BUILD)/cflags records (immediate: target-specific additions aside)
CFLAGS_STAMP := $(CC) $(CSTD) $(WARN) $(OPT) $(HARDEN_CFLAGS) $(CFLAGS)
# programs and test binaries (not libvntl.so)
LDFLAGS_EXE := $(PIE_LDFLAGS) $(LDFLAGS_ALL)

# --- modules ---
# Libraries, lowest first: common/ <- db/ <- publisher/ <- web/; validator/ is
# libvntl. Programs, each with its main and command line in its own folder:
# cli/ (vntl), validate/ (vntl-validate), vntld/ (vntld).
COMMON_SRC := $(wildcard common/*.c)
VAL_SRC  := $(wildcard validator/*.c)
DB_SRC   := $(wildcard db/*.c)
PUB_SRC  := $(wildcard publisher/*.c)
WEB_SRC  := $(wildcard web/*.c)
VNTL_PROG_SRC     := $(wildcard cli/*.c)
VALIDATE_PROG_SRC := $(wildcard validate/*.c)
VNTLD_PROG_SRC    := $(wildcard vntld/*.c)
TESTLIB_SRC := $(wildcard tests/lib/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBVNTL_A  := $(BUILD)/libvntl.a
LIBVNTL_SO := $(BUILD)/libvntl.so.$(VNTL_VERSION)
LIBCOMMON  := $(BUILD)/libvntl-common.a
LIBDB      := $(BUILD)/libvntl-db.a
LIBPUB     := $(BUILD)/libvntl-publisher.a
LIBWEB     := $(BUILD)/libvntl-web.a
# Link order: dependants first (web -> publisher -> db -> common, everything -> validator).
INTERNAL_LIBS := $(LIBWEB) $(LIBPUB) $(LIBDB) $(LIBCOMMON) $(LIBVNTL_A)

# A program is built once its main exists (modules land one issue at a time).
PROGRAMS := $(if $(VNTL_PROG_SRC),$(BUILD)/vntl) \
            $(if $(VALIDATE_PROG_SRC),$(BUILD)/vntl-validate) \
            $(if $(VNTLD_PROG_SRC),$(BUILD)/vntld)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/%,$(FUZZ_SRC))
# libFuzzer targets: the fuzz_*.c that define LLVMFuzzerTestOneInput (see
# tests/fuzz/fuzz.h); the others are drivers with their own main.
FUZZ_TARGET_SRC := $(shell grep -l LLVMFuzzerTestOneInput $(FUZZ_SRC) /dev/null 2>/dev/null)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/%,$(FUZZ_TARGET_SRC))
FUZZ_DRIVERS := $(filter-out $(FUZZ_TARGETS),$(FUZZ_BINS))
FUZZ_SUPPORT := $(BUILD)/obj/tests/fuzz/support.o
FUZZ_BUILD   := build/fuzz
FUZZ_SECONDS ?= 60
# make check: each target this long, after replaying its corpus.
FUZZ_SMOKE_SECONDS ?= 3

.PHONY: all deps check test demo bench soak fuzz fuzz-targets tsan tsan-targets install uninstall clean
.DEFAULT_GOAL := all

all: $(PROGRAMS) $(LIBVNTL_A) $(LIBVNTL_SO) $(BUILD)/vntl.pc

deps:
	@scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh

# Objects are rebuilt when the compiler or its flags change (hardening, SAN).
$(BUILD)/cflags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(subst ','\'',$(CFLAGS_STAMP))' | cmp -s - $@ || echo '$(subst ','\'',$(CFLAGS_STAMP))' > $@

$(BUILD)/obj/%.o: %.c $(BUILD)/cflags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# An archive is rebuilt when its list of sources changes too, so that a file
# moved to another folder leaves no stale copy of itself behind.
define static_lib
$(1).sources: FORCE
	@mkdir -p $$(dir $$@)
	@echo '$(2)' | cmp -s - $$@ || echo '$(2)' > $$@
$(1): $(call obj,$(2)) $(1).sources
	@rm -f $$@
	ar rcs $$@ $(call obj,$(2))
endef
$(eval $(call static_lib,$(LIBVNTL_A),$(VAL_SRC)))
$(eval $(call static_lib,$(LIBCOMMON),$(COMMON_SRC)))
$(eval $(call static_lib,$(LIBDB),$(DB_SRC)))
$(eval $(call static_lib,$(LIBPUB),$(PUB_SRC)))
$(eval $(call static_lib,$(LIBWEB),$(WEB_SRC)))

# validator/vv_init.c compiles VNTL_VERSION in (vntl_version(), every --version).
$(BUILD)/obj/validator/vv_init.o: Makefile

# validator/vv_profile.c embeds schema/*.xsd with .incbin: rebuild it when they change.
$(BUILD)/obj/validator/vv_profile.o: $(wildcard schema/*.xsd)

# The validator compiles PREFIX in (its default schema directory, used by
# vv_load.c alone): rebuild it when PREFIX changes, e.g. `make install
# PREFIX=/usr` after a plain `make`.
$(BUILD)/prefix: FORCE
	@mkdir -p $(BUILD)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
$(BUILD)/obj/validator/vv_load.o: $(BUILD)/prefix
# libvntl exports only its API (VNTL_API in vntl.h), not its vv_* internals.
$(call obj,$(VAL_SRC)): CFLAGS_ALL += -fvisibility=hidden
.PHONY: FORCE

$(LIBVNTL_SO): $(call obj,$(VAL_SRC))
	$(CC) -shared -Wl,-soname,libvntl.so.$(VNTL_MAJOR) -Wl,--no-undefined $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)
	ln -sf libvntl.so.$(VNTL_VERSION) $(BUILD)/libvntl.so.$(VNTL_MAJOR)
	ln -sf libvntl.so.$(VNTL_MAJOR) $(BUILD)/libvntl.so

$(BUILD)/vntl.pc: validator/vntl.pc.in Makefile
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VNTL_VERSION)|g' $< > $@

$(BUILD)/vntl: $(call obj,$(VNTL_PROG_SRC)) $(INTERNAL_LIBS)
	$(CC) $(LDFLAGS_EXE) -o $@ $(call obj,$(VNTL_PROG_SRC)) $(INTERNAL_LIBS) $(PKG_LIBS) -lpthread
$(BUILD)/vntl-validate: $(call obj,$(VALIDATE_PROG_SRC)) $(LIBCOMMON) $(LIBVNTL_A)
	$(CC) $(LDFLAGS_EXE) -o $@ $(call obj,$(VALIDATE_PROG_SRC)) $(LIBCOMMON) $(LIBVNTL_A) $(PKG_LIBS) -lpthread
$(BUILD)/vntld: $(call obj,$(VNTLD_PROG_SRC)) $(INTERNAL_LIBS)
	$(CC) $(LDFLAGS_EXE) -o $@ $(call obj,$(VNTLD_PROG_SRC)) $(INTERNAL_LIBS) $(PKG_LIBS) -lpthread

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(call obj,$(TESTLIB_SRC)) $(INTERNAL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_EXE) -o $@ $< $(TEST_LINK) $(call obj,$(TESTLIB_SRC)) $(INTERNAL_LIBS) $(PKG_LIBS) $(CMOCKA_LIBS) -lpthread
# Failure injection through link-time wrappers of libcurl, in this test
# binary only (no hook in any production binary); it also links sync's objects.
VALIDATE_LIB_OBJ := $(call obj,$(filter-out validate/vntl_validate_main.c,$(VALIDATE_PROG_SRC)))
$(BUILD)/tests/test_validator_curlfail: $(VALIDATE_LIB_OBJ)
$(BUILD)/tests/test_validator_curlfail: TEST_LINK := $(VALIDATE_LIB_OBJ) \
	-Wl,--wrap=curl_easy_setopt -Wl,--wrap=curl_easy_perform
$(FUZZ_DRIVERS): $(BUILD)/tests/%: $(BUILD)/obj/tests/fuzz/%.o $(call obj,$(TESTLIB_SRC)) $(INTERNAL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_EXE) -o $@ $< $(call obj,$(TESTLIB_SRC)) $(INTERNAL_LIBS) $(PKG_LIBS) -lpthread
# With SAN=fuzz libFuzzer supplies main; otherwise support.c replays the corpus.
$(FUZZ_TARGETS): $(BUILD)/tests/%: $(BUILD)/obj/tests/fuzz/%.o $(FUZZ_SUPPORT) $(call obj,$(TESTLIB_SRC)) $(INTERNAL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_EXE) -o $@ $< $(FUZZ_SUPPORT) $(call obj,$(TESTLIB_SRC)) $(INTERNAL_LIBS) $(PKG_LIBS) -lpthread

# vntl with its test hooks compiled in (-DVNTL_TEST_HOOKS: environment
# variables such as VNTL_TEST_APPLY_PAUSE_MS that widen the windows the
# kill -9 tests aim at); for tests only, never installed.
TEST_HOOK_SRC := $(shell grep -l VNTL_TEST_HOOKS $(VNTL_PROG_SRC) /dev/null 2>/dev/null)
TEST_HOOK_OBJ := $(patsubst %.c,$(BUILD)/obj/hooks/%.o,$(TEST_HOOK_SRC))
$(BUILD)/obj/hooks/%.o: %.c $(BUILD)/cflags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DVNTL_TEST_HOOKS -MMD -MP -c $< -o $@
$(BUILD)/tests/vntl-test-hooks: $(filter-out $(call obj,$(TEST_HOOK_SRC)),$(call obj,$(VNTL_PROG_SRC))) \
                                $(TEST_HOOK_OBJ) $(INTERNAL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_EXE) -o $@ $(filter %.o,$^) $(INTERNAL_LIBS) $(PKG_LIBS) -lpthread

# Everything the tests run: programs, unit tests, fuzz drivers.
test-build: all $(UNIT_BINS) $(FUZZ_BINS) $(if $(VNTL_PROG_SRC),$(BUILD)/tests/vntl-test-hooks)

test: test-build
	tests/run-all.sh $(BUILD) $(SAN)

# make check builds on every core (the tests themselves are scheduled by
# run-all.sh); a plain `make check` would otherwise compile four trees on one.
CHECK_JOBS := $(shell nproc 2>/dev/null || echo 2)
# Each phase prints the time it starts, so a slow one shows.
check_phase = @echo "== make check: $(1) ($$(date -u +%H:%M:%S) UTC)"
check: deps
	$(call check_phase,release build)
	$(MAKE) -j$(CHECK_JOBS) test-build BUILD=build/release SAN=0
	$(call check_phase,release tests)
	$(MAKE) test BUILD=build/release SAN=0
	$(call check_phase,ASan+UBSan build)
	$(MAKE) -j$(CHECK_JOBS) test-build BUILD=build/asan SAN=1
	$(call check_phase,ASan+UBSan tests)
	$(MAKE) test BUILD=build/asan SAN=1
	$(call check_phase,libFuzzer smoke)
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) FUZZ_JOBS=$(CHECK_JOBS)
	$(call check_phase,ThreadSanitizer)
	$(MAKE) tsan
	$(call check_phase,done)

# ThreadSanitizer (SAN=thread) on the tests whose code runs threads: the
# validator's parallel loading and chain checks, the publisher's staging
# thread, vntld's API workers and its swap and reload under clients.
TSAN_BUILD := build/tsan
comma := ,
space := $(subst ,, )
TSAN_TESTS := unit/test_validator_api unit/test_publisher_publish unit/test_web_server e2e/web_reload_threads
tsan: deps
	$(MAKE) -j$(CHECK_JOBS) tsan-targets BUILD=$(TSAN_BUILD) SAN=thread
	tests/run-all.sh $(TSAN_BUILD) 1 $(subst $(space),$(comma),$(strip $(TSAN_TESTS)))

tsan-targets: $(BUILD)/vntld $(BUILD)/vntl $(patsubst unit/%,$(BUILD)/tests/%,$(filter unit/%,$(TSAN_TESTS)))

# Every libFuzzer target for FUZZ_SECONDS each (clang; corpus in tests/fuzz/corpus).
fuzz: deps
	$(MAKE) -j$(CHECK_JOBS) fuzz-targets BUILD=$(FUZZ_BUILD) SAN=fuzz CC=clang
	scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-targets: $(FUZZ_TARGETS)

demo: deps all
	scripts/demo.sh $(BUILD)

bench: deps all
	scripts/bench.sh $(BUILD)

# SOAK_RUNS kill -9 across apply, publish and vntld's swap, each followed by
# a full consistency check; then vntld under the full-size attacks of issue
# 17 (minutes; loopback only).
SOAK_RUNS := 1000
soak: deps all
	scripts/soak-kill.sh $(BUILD) $(SOAK_RUNS)
	scripts/soak-web-attack.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIBVNTL_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIBVNTL_SO) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libvntl.so.$(VNTL_VERSION) $(DESTDIR)$(PREFIX)/lib/libvntl.so.$(VNTL_MAJOR)
	ln -sf libvntl.so.$(VNTL_MAJOR) $(DESTDIR)$(PREFIX)/lib/libvntl.so
	install -m 644 validator/vntl.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VNTL_VERSION)|g' validator/vntl.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/vntl.pc
	install -d $(DESTDIR)$(SCHEMA_DIR)
	install -m 644 schema/vntl-tsl-profile.xsd $(DESTDIR)$(SCHEMA_DIR)/tsl.xsd
	install -m 644 schema/vntl-xml.xsd $(DESTDIR)$(SCHEMA_DIR)/
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@UNITDIR@|$(UNITDIR)|g' dist/systemd/vntl-sync.service.in \
		> $(DESTDIR)$(UNITDIR)/vntl-sync.service
	install -m 644 dist/systemd/vntl-sync.timer $(DESTDIR)$(UNITDIR)/
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,vntl vntl-validate vntld)
	rm -f $(DESTDIR)$(PREFIX)/lib/libvntl.* $(DESTDIR)$(PREFIX)/include/vntl.h
	rm -f $(DESTDIR)$(PREFIX)/lib/pkgconfig/vntl.pc
	rm -rf $(DESTDIR)$(SCHEMA_DIR)
	rm -f $(DESTDIR)$(UNITDIR)/vntl-sync.service $(DESTDIR)$(UNITDIR)/vntl-sync.timer

clean:
	rm -rf build

.PHONY: test-build
.SECONDARY:
