# dgit in C. `make` builds dgit/dgit; `make check` runs every test;
# `make deps` installs what the build and the tests need (Debian).

VERSION   := $(shell sed -n '1s/.*(\(.*\)).*/\1/p' debian/changelog 2>/dev/null || echo 0)
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
# -Wno-missing-field-initializers: libgit2's *_INIT macros trip it.
# The installed program's name; Debian's own dgit owns /usr/bin/dgit.
PROGNAME  ?= dgit
SERVER_PROGNAME ?= dgit-repos-server

CC        ?= cc
CXX       ?= c++
PKG_CONFIG ?= pkg-config
PKGS      := libgit2 libcurl libarchive gpgme zlib libcrypto liblzma
# libdeflate deflates the pack's whole objects about twice as fast as zlib
# (bench/import.sh); used when installed, LIBDEFLATE=0 builds without it.
LIBDEFLATE ?= $(shell $(PKG_CONFIG) --exists libdeflate 2>/dev/null && echo 1 || echo 0)
ifeq ($(LIBDEFLATE),1)
PKGS      += libdeflate
FEATURES  := -DDGIT_HAVE_LIBDEFLATE
endif

CFLAGS    ?= -O2 -g
CXXFLAGS  ?= -O2 -g
WARN      := -Wall -Wextra -Wmissing-prototypes -Wshadow -Wformat=2 \
             -Wno-unused-parameter -Wno-missing-field-initializers
# `make DEVELOPER=1`: warnings are errors (what every commit must pass).
ifneq ($(DEVELOPER)$(WERROR),)
WARN      += -Werror
endif
# Asked of pkg-config when first used, not when the Makefile is read, so that
# `make deps all` works in one run: deps installs the -dev packages first.
# (The eval makes each a simple variable after its first expansion.)
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null))$(PKG_LIBS)
ALL_CFLAGS = $(CPPFLAGS) $(FEATURES) -std=c11 -D_GNU_SOURCE -Iinclude -DDGIT_VERSION='"$(VERSION)"' \
             $(WARN) $(PKG_CFLAGS) $(CFLAGS) $(SAN)
ALL_CXXFLAGS = $(CPPFLAGS) -std=c++17 -Iinclude -Wall -Wextra $(CXXFLAGS) $(SAN)
LIBS       = $(LDFLAGS) $(PKG_LIBS) -lapt-pkg -lpthread $(SAN)

# Debian packages the build needs, and those the tests add.
BUILD_DEPS := build-essential pkg-config libgit2-dev libcurl4-openssl-dev \
              libarchive-dev libgpgme-dev libapt-pkg-dev \
              zlib1g-dev libssl-dev liblzma-dev libdeflate-dev
TEST_DEPS  := dpkg-dev git gnupg xz-utils bzip2 lzma zstd quilt git-buildpackage \
              debian-archive-keyring ca-certificates perl curl groff-base man-db dgit \
              dgit-infrastructure gpgv reprepro dput-ng devscripts lighttpd \
              openssh-server openssh-client \
              clang libclang-rt-dev python3
PKG_DEPS   := debhelper devscripts fakeroot
BENCH_DEPS := dgit git-buildpackage time
# What Debian dgit's own test suite needs (its debian/tests/control), for
# `make check-conformance` and t/t9000-conformance.sh (so `make deps`
# installs them too); sbuild only for the schroot tests, not listed.
CONFORMANCE_DEPS := dgit dgit-infrastructure devscripts debhelper fakeroot \
              build-essential chiark-utils-bin bc faketime liburi-perl quilt \
              git-debrebase git-debpush git-buildpackage libdpkg-perl \
              libgit-wrapper-perl liblist-compare-perl \
              libstring-shellquote-perl libtry-tiny-perl reprepro \
              libhttp-server-simple-static-perl bsdgames man-db git-man groff \
              rsync xz-utils dput-ng libjson-perl

# B is the build directory; `make B=build-asan SAN=...` builds another.
B         ?= build
LIB_C     := $(sort $(wildcard lib/*.c))
LIB_CC    := $(sort $(wildcard lib/*.cc))
SERVER_C  := dgit/dgit-repos-server.c
PROG_C    := $(filter-out $(SERVER_C),$(sort $(wildcard dgit/*.c)))
UNIT_C    := $(sort $(wildcard t/unit/test-*.c))
HELPER_C  := $(sort $(wildcard t/helper/*.c))
LIB_O     := $(LIB_C:%.c=$(B)/%.o) $(LIB_CC:%.cc=$(B)/%.o)
PROG_O    := $(PROG_C:%.c=$(B)/%.o)
SERVER_O  := $(SERVER_C:%.c=$(B)/%.o)
UNIT_BIN  := $(UNIT_C:t/unit/%.c=$(B)/t/unit/%)
HELPER_BIN := $(HELPER_C:t/helper/%.c=$(B)/t/helper/%)

ifeq ($(B),build)
DGIT_BIN  := dgit/dgit
SERVER_BIN := dgit/dgit-repos-server
else
DGIT_BIN  := $(B)/dgit/dgit
SERVER_BIN := $(B)/dgit/dgit-repos-server
endif

ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
        -fno-sanitize-recover=undefined

.PHONY: all check check-unit deps depcheck bench-deps install clean \
        check-conformance conformance-deps fuzz fuzz-build fuzz-depcheck
.DELETE_ON_ERROR:

all: depcheck $(DGIT_BIN) $(SERVER_BIN) $(UNIT_BIN) $(HELPER_BIN)

# Say exactly what to run when a dependency is missing.
depcheck:
	@missing=""; \
	for p in $(PKGS); do $(PKG_CONFIG) --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	test -f /usr/include/apt-pkg/debversion.h || missing="$$missing libapt-pkg"; \
	if [ -n "$$missing" ]; then \
	  echo "dgit: missing build dependencies:$$missing"; \
	  echo "dgit: install them with: make deps   (or: apt-get install $(BUILD_DEPS))"; \
	  exit 1; fi

deps:
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends \
	    $(BUILD_DEPS) $(TEST_DEPS) $(PKG_DEPS) $(CONFORMANCE_DEPS)

conformance-deps:
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $(CONFORMANCE_DEPS)

# Debian dgit's own test suite against ours (t/conformance/run.sh): the
# source package is fetched with our download-source into
# $(B)/conformance.  CONFORMANCE_TESTS="a b" runs a subset;
# DGIT_TEST=/usr/bin/dgit runs it against Perl dgit.
check-conformance: $(DGIT_BIN)
	DGIT_TEST=$${DGIT_TEST:-$(abspath $(DGIT_BIN))} \
	    DGIT_FETCH=$(abspath $(DGIT_BIN)) \
	    CONFORMANCE_DIR=$${CONFORMANCE_DIR:-$(abspath $(B))/conformance} \
	    sh t/conformance/run.sh

bench-deps:
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $(BENCH_DEPS)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(B)/libdgit.a: $(LIB_O)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(DGIT_BIN): $(PROG_O) $(B)/libdgit.a
	@mkdir -p $(@D)
	$(CXX) -o $@ $(PROG_O) $(B)/libdgit.a $(LIBS)

$(SERVER_BIN): $(SERVER_O) $(B)/dgit/cleanup.o $(B)/libdgit.a
	@mkdir -p $(@D)
	$(CXX) -o $@ $(SERVER_O) $(B)/dgit/cleanup.o $(B)/libdgit.a $(LIBS)

$(B)/t/unit/%: t/unit/%.c t/unit/unit.h $(B)/libdgit.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -It/unit -o $@.o -c $<
	$(CXX) -o $@ $@.o $(B)/libdgit.a $(LIBS)

$(B)/t/helper/%: t/helper/%.c $(B)/libdgit.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@.o -c $<
	$(CXX) -o $@ $@.o $(B)/libdgit.a $(LIBS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_O:.o=.d) $(PROG_O:.o=.d) $(SERVER_O:.o=.d)


# libFuzzer targets (t/fuzz/fuzz-*.c), built with clang under ASan+UBSan
# into $(B)/fuzz/ with their own copy of the library.  `make fuzz` runs
# each for FUZZ_SECONDS (after its regression inputs, t/fuzz/regress/NAME/)
# from a seed corpus made of the test fixtures, and stops at the first
# crash, naming the reproducer.  FUZZ_TARGETS="deb822 tag" runs a subset.
FUZZ_CC   ?= clang
FUZZ_CXX  ?= clang++
FUZZ_SECONDS ?= 30
FUZZ_SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
FUZZ_CFLAGS = $(CPPFLAGS) -std=c11 -D_GNU_SOURCE -Iinclude \
             -DDGIT_VERSION='"$(VERSION)"' $(WARN) $(PKG_CFLAGS) -O1 -g \
             $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_CXXFLAGS = $(CPPFLAGS) -std=c++17 -Iinclude -Wall -Wextra -O1 -g \
             $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_C    := $(sort $(wildcard t/fuzz/fuzz-*.c))
FUZZ_BIN  := $(FUZZ_C:t/fuzz/%.c=$(B)/fuzz/%)
FUZZ_LIB_O := $(LIB_C:%.c=$(B)/fuzz/%.o) $(LIB_CC:%.cc=$(B)/fuzz/%.o)

fuzz-build: fuzz-depcheck $(FUZZ_BIN)

fuzz-depcheck:
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' | \
	$(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1 || { \
	  echo "dgit: the fuzz targets need $(FUZZ_CC) and libFuzzer"; \
	  echo "dgit: install them with: make deps   (or: apt-get install clang libclang-rt-dev)"; \
	  exit 1; }

fuzz: fuzz-build
	BUILD=$(abspath $(B)) sh t/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(B)/fuzz/libdgit.a: $(FUZZ_LIB_O)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(B)/fuzz/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/fuzz/lib/%.o: lib/%.cc
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -MMD -MP -c -o $@ $<

$(B)/fuzz/%: t/fuzz/%.c t/fuzz/fuzz.h $(B)/fuzz/libdgit.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@.o -c $<
	$(FUZZ_CXX) -o $@ $@.o $(B)/fuzz/libdgit.a $(LDFLAGS) $(PKG_LIBS) \
	    -lapt-pkg -lpthread $(FUZZ_SAN) -fsanitize=fuzzer

-include $(FUZZ_LIB_O:.o=.d)

# The whole suite: unit tests and shell tests with the normal build, then
# the unit tests and the download/import/clone/fetch shell tests again
# under AddressSanitizer + UBSan.
check: all fuzz-build
	$(MAKE) B=build-asan SAN="$(ASAN)" CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" \
	    build-asan/dgit/dgit build-asan/dgit/dgit-repos-server $(UNIT_C:t/unit/%.c=build-asan/t/unit/%) \
	    $(HELPER_C:t/helper/%.c=build-asan/t/helper/%)
	DGIT=$(abspath $(DGIT_BIN)) BUILD=$(abspath $(B)) \
	    ASAN_BUILD=$(abspath build-asan) sh t/run-tests.sh

check-unit: all
	DGIT=$(abspath $(DGIT_BIN)) BUILD=$(abspath $(B)) sh t/run-tests.sh --unit

install: $(DGIT_BIN) $(SERVER_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(DGIT_BIN) $(DESTDIR)$(BINDIR)/$(PROGNAME)
	install -m 755 $(SERVER_BIN) $(DESTDIR)$(BINDIR)/$(SERVER_PROGNAME)
	install -m 644 doc/dgit.1 $(DESTDIR)$(MANDIR)/man1/$(PROGNAME).1
	install -m 644 doc/dgit-repos-server.1 \
	    $(DESTDIR)$(MANDIR)/man1/$(SERVER_PROGNAME).1

clean:
	rm -rf build build-asan dgit/dgit dgit/dgit-repos-server t/trash.*
