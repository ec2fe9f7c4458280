# A thin front for Meson + Ninja. Every target installs what it lacks
# (scripts/deps.sh) before it runs.
#
#   make            build into ./build
#   make check      every test suite (unit, os, e2e); e2e needs root
#   make check-stress  floods, 100k peers, fuzz, loss with figures, < 10 min (root)
#   make check-vm   two QEMU guests on a warren L2 segment (root; tests/vm/check.sh)
#   make demo       two namespaces joined by warren (root)
#   make bench      warren beside its peers (root)
#   make install    PREFIX=/usr/local DESTDIR=
#   make uninstall  removes what make install put there (same PREFIX, DESTDIR)
#   make deb        the Debian packages into ./build-deb, installed and tried (root)
#   make asan       the unit tests under ASan + UBSan (./build-asan)
#   make fuzz       libFuzzer targets with clang (./build-fuzz), FUZZ_SECONDS each
#   make format     clang-format every C file in place (.clang-format is the truth)
#   make format-check  fail, listing the files, if any C file is not formatted

BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
WERROR ?= false
FUZZ_SECONDS ?= 30
MESON_SETUP = meson setup --prefix=$(PREFIX) -Dwerror=$(WERROR)

.PHONY: all deps check check-stress demo bench install uninstall deb asan fuzz format format-check clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	scripts/deps.sh build

$(BUILD)/build.ninja:
	scripts/deps.sh build
	$(MESON_SETUP) $(BUILD)

check: $(BUILD)/build.ninja
	scripts/deps.sh test
	ninja -C $(BUILD)
	meson test -C $(BUILD) --print-errorlogs $(TESTARGS)

check-stress: all
	scripts/deps.sh test
	tests/stress/run.sh $(BUILD)

# Real guests (issue 9): TCG QEMU, a Debian kernel, busybox. Not part of
# `make check`: it takes minutes. WARREN_VM_DIRECT=1 tests the harness alone.
# warren@.service under a real systemd as PID 1 (issue 11): a container
# (systemd-nspawn) that boots this machine's root under a throwaway overlay.
.PHONY: check-boot
check-boot: all
	scripts/deps.sh boot
	WARREN_BUILD=$(abspath $(BUILD)) timeout -k 30 900 tests/boot/check.sh

.PHONY: check-vm
check-vm: all
	scripts/deps.sh vm
	WARREN_BUILD=$(abspath $(BUILD)) timeout -k 30 2700 tests/vm/check.sh

demo: all
	scripts/deps.sh test
	scripts/demo.sh $(BUILD)

bench: all
	scripts/deps.sh bench
	bench/run.sh $(BUILD)

# The prefix is a setting of the build directory: a PREFIX that differs from
# the one it was set up with is applied before installing, not ignored.
install: all
	[ "$$(meson introspect --buildoptions $(BUILD) | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')" = "$(PREFIX)" ] || \
		{ meson configure $(BUILD) --prefix=$(PREFIX) && ninja -C $(BUILD); }
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

# meson records every file it installed, DESTDIR included, in the build
# directory's install log.
uninstall:
	@[ -f $(BUILD)/meson-logs/install-log.txt ] || { echo "make uninstall: nothing installed from $(BUILD)" >&2; exit 1; }
	grep -v '^#' $(BUILD)/meson-logs/install-log.txt | while read -r f; do [ -d "$$f" ] || rm -fv "$$f"; done
	for d in include/warren share/doc/warren; do \
		[ ! -d "$(DESTDIR)$(PREFIX)/$$d" ] || rmdir -v "$(DESTDIR)$(PREFIX)/$$d"; done

deb:
	tests/package/debs.sh build-deb

asan:
	scripts/deps.sh build fuzz
	[ -f build-asan/build.ninja ] || CC=clang $(MESON_SETUP) -Db_sanitize=address,undefined -Db_lundef=false -De2e=false build-asan
	ninja -C build-asan
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C build-asan --suite unit --print-errorlogs

fuzz:
	scripts/deps.sh build fuzz
	[ -f build-fuzz/build.ninja ] || CC=clang $(MESON_SETUP) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -De2e=false build-fuzz
	ninja -C build-fuzz
	tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

C_FILES = git ls-files -z '*.c' '*.h'

format:
	scripts/deps.sh lint
	$(C_FILES) | xargs -0 clang-format -i

format-check:
	scripts/deps.sh lint
	$(C_FILES) | xargs -0 clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-deb
