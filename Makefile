# microvm-lsp: build, demo, tests and benchmarks.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
# How long `make fuzz` fuzzes each target.
FUZZTIME ?= 1m

.PHONY: all build demo test test-go test-race fmt-check vet fuzz bench bench-short clean

all: build

# The compiler collects less often under GOGC=400: a build from a cold
# cache costs about a tenth less CPU (the binary: 45 s of user time
# instead of 51). The tests run with the caller's GOGC (-exec $(TEST_ENV)):
# the server they start tunes its collector only when GOGC is unset.
COMPILE_ENV := GOGC=400
ifeq ($(origin GOGC),environment)
TEST_ENV := 'env GOGC=$(GOGC)'
else
TEST_ENV := 'env -u GOGC'
endif

# Without cgo: nothing needs it, and a static binary starts faster (no
# dynamic loader, no libc threads): a few ms for every process of a batch.
build:
	$(COMPILE_ENV) CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o bin/microvm-lsp ./cmd/microvm-lsp

# The main job on the two bundled examples: a host with MicroVMs, which is
# fine, and a server that imports both roles by mistake, whose error is the
# point of the demo. check exits 1 on errors; the demo succeeds when it is
# exactly that (a crash or a usage error, exit 2, still fails it).
demo: build
	@echo '== examples/ok-host-with-vms: a host that runs two MicroVMs. Expected: no findings.'
	@bin/microvm-lsp check examples/ok-host-with-vms && echo 'no findings'
	@echo
	@echo '== examples/conflict: a server that imports the host and, through hosts/server, the guest module.'
	@echo '   Expected: one role-conflict error (check exits 1 when it finds errors).'
	@bin/microvm-lsp check examples/conflict; s=$$?; test $$s -eq 1 || { echo "check exited $$s, want 1"; exit 1; }
	@echo
	@echo 'Run bin/microvm-lsp check on your own flake; docs/diagnostics.md explains each code.'

fmt-check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)

vet: fmt-check
	$(GO) vet ./...

# Every test. The Go tests, the race run, the VS Code extension's tests and
# the short benchmarks run side by side (two cores are seldom both busy in
# any one of them), each one's output printed in one piece when it ends.
# The binary is built once, before the steps that run it.
test: fmt-check
	@$(MAKE) --no-print-directory -j4 --output-sync=target test-go test-race vscode-test bench-short

# Within one make, the short benchmarks reuse the Go tests' builds.
ifneq ($(filter test-go,$(MAKECMDGOALS)),)
bench-short: | test-go
endif

# Every Go test, vetted in the same build: -vet=all is go vet's full set of
# checks (go test alone runs a few), over the same packages as go vet ./...
# The seed corpus of each fuzz target runs here as a test.
# Without cgo, as the binary is built: the standard library's packages then
# compile once for both (with cgo, net and everything above it, net/http,
# crypto/tls, zap, compile again); no test needs cgo.
test-go: build
	MICROVM_LSP_E2E_BIN=$(CURDIR)/bin/microvm-lsp CGO_ENABLED=0 $(COMPILE_ENV) $(GO) test -exec $(TEST_ENV) -count=1 -vet=all ./...

# The concurrent parts again, under the race detector: the server, the
# analysis, and the parser with its two-core paths (a split parse, a reparse
# that shares nodes with the version other goroutines still read). -short
# trims the long randomized loops; the comparisons with nix-instantiate,
# which run no goroutines of ours, ran in test-go, which vetted these
# packages too; so did TestValueNodesSkipAgrees (30,000 small parses, one
# goroutine) and TestTooLargeFile (a 64 MB file refused before any parse).
# The race build compiles the standard library and every dependency again,
# with cgo (the detector needs it): the pure Go resolver and user lookup
# (netgo, osusergo) spare the C compiler net and os/user, and no DWARF is
# written (race reports and panics read the line table, not DWARF). From an
# empty cache: 53 instead of 65 s of CPU.
RACE_FLAGS := -tags netgo,osusergo -gcflags=all=-dwarf=false -ldflags=-w
test-race:
	$(COMPILE_ENV) $(GO) test -exec $(TEST_ENV) -race $(RACE_FLAGS) -short -count=1 -vet=off -skip 'Oracle|TestValueNodesSkipAgrees|TestTooLargeFile' ./server ./analysis ./nixast

# Fuzzing, each target in turn for FUZZTIME (make fuzz FUZZTIME=10m). Not
# part of test: a fuzzing build instruments every package again, and a
# second of fuzzing seldom finds what the seed corpora do not.
FUZZ_TARGETS := nixast:FuzzParse nixast:FuzzReparse nixast:FuzzLineIndex nixast:FuzzOracle \
	scope:FuzzResolve server:FuzzDocumentEdits server:FuzzAnalyze server:FuzzDecodeMessage \
	server:FuzzDirectRequests
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "$(GO) test ./$${t%%:*} -run '^$$' -fuzz '^$${t#*:}$$' -fuzztime $(FUZZTIME)"; \
		$(GO) test ./$${t%%:*} -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME); \
	done

# Issue #7's and #17's numbers, each under a heading: parse throughput (Go
# benchmarks, then against nix-instantiate on a generated 4 MiB package set
# and on testdata/parse/valid, in one process each and in xargs batches),
# edit latency (alone, then inside a 168 MB
# workspace), and cold start: a generated 51 MB workspace of 10,000 files,
# 56 MB of 11,000 and 168 MB of 33,000 files with one file open
# (bench/coldstart: time to quiet, peak RSS, idle CPU). With
# BENCH_WORKSPACE=DIR (a checkout of real repositories) cold start and
# latency also run on its *.nix files, once and hard-linked three times.
# A slow number never fails.
BENCH_WORKSPACE ?=
bench: build
	@echo; echo "=== 1. Parse throughput: go test ./nixast -bench ==="
	$(GO) test ./nixast -run '^$$' -bench . -benchmem
	@echo; echo "=== 1a. Parse vs nix-instantiate --parse: generated 4 MiB package set ==="
	scripts/parse-vs-nix.sh
	@echo; echo "=== 1b. Parse vs nix-instantiate --parse: testdata/parse/valid ==="
	scripts/parse-vs-nix.sh testdata/parse/valid
	@echo; echo "=== 1c. Parse vs nix-instantiate --parse, both in xargs batches on 2 cores: testdata/parse/valid ==="
	bench/parsespeed.sh
ifneq ($(BENCH_WORKSPACE),)
	@echo; echo "=== 1d. Parse vs nix-instantiate --parse, both in xargs batches on 2 cores: $(BENCH_WORKSPACE) (target: 5x) ==="
	bench/parsespeed.sh $(BENCH_WORKSPACE)
endif
	@echo; echo "=== 2. Edit latency: e2e/latency, edits back to back ==="
	$(GO) run ./e2e/latency -bin bin/microvm-lsp
	@echo; echo "=== 2a. Edit latency: e2e/latency, 50 ms between edits (a fast typist) ==="
	$(GO) run ./e2e/latency -bin bin/microvm-lsp -pause 50ms
	@echo; echo "=== 2b. Edit latency inside a generated 168 MB workspace of 33,000 files ==="
	$(GO) run ./e2e/latency -bin bin/microvm-lsp -corpus 33000 -edits 300
	@echo; echo "=== 2d. Analysis after an edit, in process: a module 200 systems import, a 1.5 MB package set, the flake.nix of a workspace of 1,000 files ==="
	$(GO) test ./analysis -run '^$$' -bench 'EditSharedModule|EditPackageSet|AnalyzePackageSet|EditWorkspaceFile' -benchmem
	@echo; echo "=== 2e. What indexing does per file, in process (parse, per-file checks, summary): $(or $(BENCH_WORKSPACE),a thousand generated files) ==="
	MICROVM_LSP_BENCH_DIR=$(BENCH_WORKSPACE) $(GO) test ./analysis -run '^$$' -bench 'PrepareFiles' -benchmem
	@echo; echo "=== 2f. One didChange of 1,000 changes in a 4 MB document: 1,000 cursors (last to first), and changes in no order ==="
	$(GO) test ./server -run '^$$' -bench 'ManyChangesInOneDidChange' -benchmem
	@echo; echo "=== 3. Cold start: bench/coldstart, 51 MB / 10,000 files ==="
	$(GO) run ./bench/coldstart -bin bin/microvm-lsp
	@echo; echo "=== 3a. Cold start: 56 MB / 11,000 files, one file open (target: peak RSS < 350 MB) ==="
	$(GO) run ./bench/coldstart -bin bin/microvm-lsp -files 11000 -open first
	@echo; echo "=== 3b. Cold start: 168 MB / 33,000 files, one file open (target: quiet < 4 s, peak RSS < 800 MB) ==="
	$(GO) run ./bench/coldstart -bin bin/microvm-lsp -files 33000 -open first -timeout 300s
ifneq ($(BENCH_WORKSPACE),)
	@echo; echo "=== 3c. Cold start: $(BENCH_WORKSPACE), one file open ==="
	$(GO) run ./bench/coldstart -bin bin/microvm-lsp -workspace $(BENCH_WORKSPACE) -open first -timeout 300s
	@echo; echo "=== 3d. Cold start: $(BENCH_WORKSPACE) hard-linked three times, one file open ==="
	$(GO) run ./bench/coldstart -bin bin/microvm-lsp -workspace $(BENCH_WORKSPACE) -copies 3 -open first -timeout 300s
	@echo; echo "=== 2c. Edit latency inside $(BENCH_WORKSPACE) hard-linked three times ==="
	$(GO) run ./e2e/latency -bin bin/microvm-lsp -workspace $(BENCH_WORKSPACE) -copies 3 -edits 300
endif

# A quick run of the same programs for CI (part of `make test`): it fails
# only on a crash, a protocol failure or a timeout. No parse-vs-nix (bc).
# Without cgo, to reuse test-go's and build's packages.
bench-short: build
	CGO_ENABLED=0 $(GO) test ./nixast -vet=off -run '^$$' -bench . -benchmem -benchtime 1x
	CGO_ENABLED=0 $(GO) run ./e2e/latency -bin bin/microvm-lsp -edits 20
	CGO_ENABLED=0 $(GO) run ./bench/coldstart -bin bin/microvm-lsp -files 500 -big 200000 -idle 1s

clean:
	rm -rf bin

# Install the binary: into $(PREFIX)/bin when PREFIX is given, else into
# GOBIN when that is set (where `go install` would put it), else into
# /usr/local/bin. DESTDIR is prepended, for packagers.
ifeq ($(origin PREFIX),undefined)
BINDIR ?= $(or $(shell $(GO) env GOBIN),/usr/local/bin)
endif
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
.PHONY: install uninstall
install: build
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 bin/microvm-lsp $(DESTDIR)$(BINDIR)/microvm-lsp

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/microvm-lsp

# Issue #7: parse throughput against tree-sitter's Nix grammar (npm
# tree-sitter-nix, native Node binding) on the generated 4 MiB package set and
# on testdata/parse/valid, side by side. Installs its npm packages in
# bench/treesitter on first use; not part of `test`.
.PHONY: bench-treesitter
bench-treesitter: build
	bench/treesitter/compare.sh

# End-to-end tests only (also part of `go test ./...`): the real binary in
# headless Neovim, and the editor configurations under editors/.
.PHONY: e2e latency vscode-test vsix nvim-capture
e2e:
	$(GO) test -count=1 -v ./e2e/

# A typing session replayed on a 300-line NixOS module, a 1.5 MB package set
# and a module 200 hosts import: time from each didChange to the
# publishDiagnostics of that version; alone, then in a large workspace
# (generated, and with BENCH_WORKSPACE=DIR the *.nix files of DIR, a
# checkout of real repositories, three times).
latency: build
	$(GO) run ./e2e/latency -bin bin/microvm-lsp
	# The same inside a generated 168 MB workspace of 33,000 files: typing
	# must not depend on the size of the workspace.
	$(GO) run ./e2e/latency -bin bin/microvm-lsp -corpus 33000 -edits 300
ifneq ($(BENCH_WORKSPACE),)
	# And inside BENCH_WORKSPACE (real repositories) hard-linked three times.
	$(GO) run ./e2e/latency -bin bin/microvm-lsp -workspace $(BENCH_WORKSPACE) -copies 3 -edits 300
endif

# The VS Code extension: type-check, bundle (esbuild: dist/extension.js),
# then test the bundle: unit tests, activation under a fake VS Code, what
# the package holds, and an end-to-end test of the real binary started with
# the extension's options.
# npm ci runs when node_modules is missing or older than the lock file
# (npm writes node_modules/.package-lock.json last): reinstalling the same
# packages costs more CPU than the extension's build and tests together.
vscode-test: build editors/vscode/node_modules/.package-lock.json
	cd editors/vscode && npm run compile && MICROVM_LSP_BIN=$(CURDIR)/bin/microvm-lsp npm test

editors/vscode/node_modules/.package-lock.json: editors/vscode/package.json editors/vscode/package-lock.json
	cd editors/vscode && npm ci --no-audit --no-fund

# editors/vscode/microvm-lsp-VERSION.vsix, for Extensions: Install from VSIX...
vsix:
	cd editors/vscode && npm ci --no-audit --no-fund && npx vsce package

# Re-record editors/neovim/session.txt (needs tmux).
nvim-capture: build
	e2e/testdata/capture.sh
