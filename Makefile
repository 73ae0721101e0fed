# The single entry point. `make demo` runs the main job; `make test` runs every test.
#   make deps    install the Debian packages the project needs (idempotent)
#   make build   optimized build with assertions into build/, CLI at bin/ozone
#   make test    deps + build + every ctest suite
#   make demo    deps + build + the demo: a local HA cluster until Ctrl-C (scripts/demo.sh)
#   make bench   benchmarks (bench/README.md)
#   make chaos   long randomized and fault-injection runs, kept out of `make test`
#   make format  clang-format the sources

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithAsserts
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: all deps configure build test demo bench chaos format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

configure: $(BUILD_DIR)/build.ninja

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@mkdir -p bin && ln -sfn ../$(BUILD_DIR)/src/tools/ozone bin/ozone

test: deps build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE 'chaos|bench' $(CTEST_ARGS)

demo: deps build
	@scripts/demo.sh

bench: deps build
	@scripts/install-deps.sh --bench
	@bench/raft_bench all
	@BUILD=$(BUILD_DIR) bench/scm_bench all
	@BUILD=$(BUILD_DIR) bench/om_bench all

chaos: deps build
	@cd $(BUILD_DIR) && ctest --output-on-failure -L chaos $(CTEST_ARGS)

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) bin/ozone
