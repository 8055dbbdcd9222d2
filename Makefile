# microvm-lsp: build, demo, tests and benchmarks.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build demo test vet fuzz-short fuzz bench clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/microvm-lsp ./cmd/microvm-lsp

# The main job on the bundled examples: parse them, then analyse them.
demo: build
	bin/microvm-lsp parse --stats examples testdata/parse/valid
	-bin/microvm-lsp check examples

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)
	$(GO) vet ./...

# Every test, then each fuzz target briefly.
test: vet
	$(GO) test -count=1 ./...
	$(MAKE) fuzz-short

fuzz-short:
	$(GO) test ./nixast -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./nixast -run '^$$' -fuzz '^FuzzLineIndex$$' -fuzztime $(FUZZTIME)
	$(GO) test ./nixast -run '^$$' -fuzz '^FuzzOracle$$' -fuzztime $(FUZZTIME)

# A longer local fuzzing run of the parser.
fuzz:
	$(GO) test ./nixast -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 10m

bench: build
	$(GO) test ./nixast -run '^$$' -bench . -benchmem
	bin/microvm-lsp parse --stats testdata/parse/valid

clean:
	rm -rf bin
