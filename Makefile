# The two commands (README): `make demo` and `make test`. Each installs what
# is missing, builds, and runs. `make bench` for the benchmarks.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps build test unit integration demo bench clean

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j 2 --timeout 300

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

integration: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L integration

demo: build
	@bash scripts/demo.sh $(DEMO_ARGS)

bench: build
	@bash scripts/bench.sh $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR) run
