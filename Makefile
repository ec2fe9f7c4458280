# A thin front for Meson + Ninja. Every target installs what it lacks
# (scripts/deps.sh) before it runs.
#
#   make            build into ./build
#   make check      every test suite (unit, os, e2e); e2e needs root
#   make demo       two namespaces joined by warren (root)
#   make bench      warren beside its peers (root)
#   make install    PREFIX=/usr/local DESTDIR=
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

.PHONY: all deps check demo bench install asan fuzz format format-check clean

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

demo: all
	scripts/deps.sh test
	scripts/demo.sh $(BUILD)

bench: all
	scripts/deps.sh bench
	bench/run.sh $(BUILD)

install: all
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

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
	rm -rf $(BUILD) build-asan build-fuzz
