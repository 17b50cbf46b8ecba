# idbooth — the two commands a newcomer needs are `make run` and `make test`.
# Both run scripts/setup first: it is idempotent and returns in a second when all is there.
GO    ?= go
BIN   := bin
ARGS  ?=
# no_emoji: Fyne's colour emoji font would be parsed for every text style (about 10 MB each);
# the kiosk shows no emoji.
TAGS  := no_emoji
export CGO_ENABLED := 1

# Release builds say which version they are (idbooth --version; scripts/version).
LDFLAGS := -X github.com/idbooth/idbooth/internal/version.stamp=$(shell scripts/version)

.PHONY: all setup build run test bench vet deb clean

all: build

setup:
	@scripts/setup

build: setup
	$(GO) build -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/idbooth .
	$(GO) build -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/idbooth-intake ./cmd/idbooth-intake

# The Debian package of a booth (and of the intake server): bin/idbooth_<version>_amd64.deb.
# deploy/package_test.go, part of `make test`, builds, lints and installs it.
deb: setup
	scripts/deb $(BIN)

# Starts the kiosk. Development: make run ARGS=--windowed
run: build
	$(BIN)/idbooth $(ARGS)

vet: setup
	$(GO) vet -tags $(TAGS) ./...

test: setup
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -count=1 -timeout 40m ./...
	# gocv's matprofile tag counts every open Mat: these tests fail on a leak.
	$(GO) test -count=1 -timeout 20m -tags '$(TAGS) matprofile' -run 'MatLeak|Closes?Mats' ./capture/... ./qr/... ./internal/formgen/... ./app/...

# Benchmarks on one core, as the budgets in DESIGN §3 are stated.
bench: setup
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem -cpu 1 ./...

clean:
	rm -rf $(BIN)
