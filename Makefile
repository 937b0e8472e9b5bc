# swarmdesk — the two commands a new machine needs are `make run` and `make test`.
GO       ?= go
TAGS     := migrated_fynedo
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0-dev)
LDFLAGS  := -X github.com/swarmdesk/swarmdesk/app/version.Version=$(VERSION)

.PHONY: run test check build deps packages

deps:
	@./packaging/linux/deps.sh

## run: install what is missing, build and open the app
run: deps
	$(GO) run -tags $(TAGS) -ldflags "$(LDFLAGS)" .

## test: install what is missing, then run every test (the window test under Xvfb included)
test: deps
	LANG=C.UTF-8 $(GO) test -count=1 ./...

## check: static checks CI runs besides the tests
check:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	 if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## build: the binary, as ./swarmdesk
build: deps
	$(GO) build -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)" -o swarmdesk .

## packages: Linux .tar.xz and .deb plus the Windows installer, into dist/ (see packaging/README.md)
packages:
	@./packaging/linux/deps.sh packaging
	./packaging/build.sh
