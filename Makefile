# The two commands (README): `make demo` and `make test`. Each installs what
# is missing, builds, and runs. `make bench` for the benchmarks.
#
# `make test` runs three builds of one tree, in this order (README, "How long
# each part of make test takes"):
#   1. $(BUILD_DIR)    Release, GCC: the whole CTest suite
#   2. $(ASAN_DIR)     AddressSanitizer + UBSan, GCC, -O1 -g1: the whole suite again
#   3. $(CLANG_DIR)    Debug, clang, -g0: everything compiled with
#                      -Wthread-safety -Werror, the unit tests run with
#                      libstdc++'s bounds checks (_GLIBCXX_ASSERTIONS)
# Each build dir uses ccache when it is installed (CMake picks it up).
# Release (-O3, no debug info) is what a packager builds, what ships
# (deploy/docker) and what make demo and make bench run; the sanitizer and
# clang parts cover RelWithDebInfo (-O1 -g1) and Debug.
SHELL := bash
# ccache hashes paths relative to the checkout, so a fresh clone in another
# folder (CI) reuses what a developer's tree compiled on the same machine.
export CCACHE_BASEDIR := $(CURDIR)
# Debug info then names the tree that compiled first; the hashes no longer
# include the working directory, so other clones hit the same entries.
export CCACHE_NOHASHDIR := 1
BUILD_DIR ?= build
ASAN_DIR ?= $(BUILD_DIR)-asan
CLANG_DIR ?= $(BUILD_DIR)-clang
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
CTEST = ctest --output-on-failure -j 2 --timeout 300

# Sanitizer runs: the first finding ends the process with an error, so the
# test fails; leaks are reported at exit. Suppressions (third-party only,
# each with its reason) live in tests/sanitizers/.
SANITIZER_ENV = \
  ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_init_order=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/sanitizers/ubsan.supp \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0

.PHONY: deps build test unit integration demo bench clean \
        test-default test-sanitize build-sanitize build-clang test-clang

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# A suite mostly waits on the servers it starts (part 1's used a third of
# one core), so while it runs the next part's build compiles beside it at
# the lowest priority (nice 19): the suite's processes get the CPU whenever
# they want it, and an empty ccache costs the suites' time once, not twice.
# Each step is timed (bash's `time`, in the CI log); the first failure stops
# the run.
test: deps
	time $(MAKE) --no-print-directory build
	time ( $(call beside,build-sanitize,$(SUITE_DEFAULT)) )
	time ( $(call beside,build-clang,$(SUITE_SANITIZE)) )
	time $(MAKE) --no-print-directory test-clang

# $(call beside,<make target>,<command>): the command in the foreground and
# `make <target>` at nice 19 in the background, in its own process group,
# its output in run/<target>.log (the end printed when it fails). Fails when
# either fails; a failed command stops the build at once.
define beside
mkdir -p run; \
setsid nice -n 19 $(MAKE) --no-print-directory $(1) > run/$(1).log 2>&1 & bg=$$!; \
( $(2) ); fg=$$?; \
if [ $$fg -ne 0 ]; then kill -TERM -- -$$bg 2>/dev/null; fi; \
wait $$bg; bgs=$$?; \
if [ $$fg -eq 0 ] && [ $$bgs -ne 0 ]; then tail -n 60 run/$(1).log; fi; \
[ $$fg -eq 0 ] && [ $$bgs -eq 0 ] && echo "beside: make $(1) done (run/$(1).log)"
endef

SUITE_DEFAULT = cd $(BUILD_DIR) && $(CTEST)
test-default: build
	$(SUITE_DEFAULT)

# -O1 -g1: the optimisation level ASan recommends and the line tables its
# reports print; against -O2 -g a heavy test source compiles in 13 s instead
# of 24 s. UBSan checks everything the tests exercise, not the tests' own
# sources (SQMS_SANITIZE_TEST_CODE: a heavy one compiles in two thirds of
# the time without it). The benchmarks are not run under sanitizers, so not
# built.
$(ASAN_DIR)/CMakeCache.txt:
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSQMS_SANITIZE=address,undefined \
	  -DSQMS_SANITIZE_TEST_CODE=address \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O1 -g1 -DNDEBUG' -DSQMS_BUILD_BENCH=OFF

build-sanitize: $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j $(JOBS)

# Every test runs once. (IntakeTest.StreamAnswersEveryItemInOrderAndBadItemsDoNotEndIt
# had a second run allowed while a race in noticing unparseable stream items
# was open; parse failures are noted process-wide since (parse_failure.h),
# and 80 runs in a row passed under the sanitizers on 2026-12-05.)
SUITE_SANITIZE = cd $(ASAN_DIR) && $(SANITIZER_ENV) $(CTEST)
test-sanitize: build-sanitize
	$(SUITE_SANITIZE)

# Debug without debug info (-g0): the build is for the compiler's checks and
# the run-time ones, never for a debugger, and compiles faster without it.
# _GLIBCXX_ASSERTIONS: libstdc++ checks every operator[], front(), back() and
# iterator it can (no ABI change), which ASan misses inside a container's
# capacity.
$(CLANG_DIR)/CMakeCache.txt:
	CC=clang CXX=clang++ cmake -S . -B $(CLANG_DIR) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS_DEBUG='-g0 -D_GLIBCXX_ASSERTIONS'

# -Wthread-safety comes with clang (cmake/SqmsBuildOptions.cmake).
build-clang: $(CLANG_DIR)/CMakeCache.txt
	cmake --build $(CLANG_DIR) -j $(JOBS)

# The unit tests, with NDEBUG off and libstdc++'s assertions on.
test-clang: build-clang
	cd $(CLANG_DIR) && $(CTEST) -L unit

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

integration: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L integration

# The demo builds only what it runs, quietly (run/demo-build.log).
demo: deps
	@SQMS_BUILD_DIR=$(abspath $(BUILD_DIR)) JOBS=$(JOBS) bash scripts/demo.sh --build $(DEMO_ARGS)

bench: build
	@bash scripts/bench.sh $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(CLANG_DIR) run
