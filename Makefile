# lantern — build, run and test. `make run` and `make check` are the two commands (README.md).

CC ?= cc
PKGS := fcgi sqlite3 libpq libxml-2.0 libqrencode libsodium jansson libical librsvg-2.0 cairo pwquality pangocairo
DEB_PACKAGES := pkg-config libfcgi-dev libsqlite3-dev sqlite3 libxml2-dev libxml2-utils libqrencode-dev \
	libsodium-dev libjansson-dev libcmocka-dev zbar-tools librsvg2-bin libical-dev librsvg2-dev libcairo2-dev poppler-utils nginx-light chromium wrk tzdata clang openssl curl systemd \
	libclang-rt-14-dev libpwquality-dev cracklib-runtime libpango1.0-dev fonts-liberation2 \
	libpq-dev postgresql
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral -Wvla
CFLAGS ?= -O2 -g
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# Test builds only (bin/lantern-san, unit tests, fuzzers): a clock tests can set (app/clock.c).
TEST_CLOCK := -DLANTERN_TEST_CLOCK

APP_SRC := $(wildcard app/*.c)
LIB_SRC := $(filter-out app/main.c,$(APP_SRC)) build/gen/migrations.c
SQL := $(sort $(wildcard app/sql/*.sql))
PG_SQL := $(sort $(wildcard app/sql/pg/[0-9]*.sql))
OBJ := $(patsubst %.c,build/obj/%.o,$(notdir $(LIB_SRC)))
SAN_OBJ := $(patsubst %.c,build/san/%.o,$(notdir $(LIB_SRC)))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_OBJ := $(filter-out build/obj/clock.o,$(OBJ)) build/test-obj/clock.o
UNIT_BIN := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRC))
UNIT_SAN_BIN := $(patsubst tests/unit/%.c,build/tests-san/%,$(UNIT_SRC))

vpath %.c app build/gen

.PHONY: all errors deps run check test-unit test-unit-san test-http test-http-sqlite test-http-postgres test-browser lint clean bench fuzz fuzz-replay
all: bin/lantern assets errors build/lantern.env

include app/assets/assets.mk

# nginx's own error pages (413, 429, 500, 502, 504) in the house layout, linking this build's assets,
# with the helplines from the catalogue (app/error_pages.c).
ERROR_PAGES := $(foreach c,413 429 500 502 504,build/errors/$(c).html build/errors/$(c).json)
errors: $(ERROR_PAGES)
$(ERROR_PAGES) &: bin/lantern campaigns/help.xml $(ASSETS_VERSION_FILE)
	LANTERN_ASSET_VERSION=$$(cat $(ASSETS_VERSION_FILE)) bin/lantern error-pages build/errors

# The build's asset version for the systemd unit (EnvironmentFile=; nginx/run reads VERSION itself).
build/lantern.env: $(ASSETS_VERSION_FILE)
	printf 'LANTERN_ASSET_VERSION=%s\n' "$$(cat $<)" > $@.tmp
	mv $@.tmp $@

# ---- dependencies: Debian packages (apt-get) and npm packages (from the lock file) ----
deps: node_modules/.installed
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# ---- the program ----
# Each app/sql/NNN_name.sql becomes one entry of the migrations[] table, as a C string, and its
# PostgreSQL version app/sql/pg/NNN_name.sql one of pg_migrations[]: both engines have every migration.
build/gen/migrations.c: $(SQL) $(PG_SQL) app/sql/pg/compat.sql Makefile
	@mkdir -p $(@D)
	@if [ "$(notdir $(SQL))" != "$(notdir $(PG_SQL))" ]; then \
	  echo "every migration needs its PostgreSQL version: app/sql/NNN_name.sql and app/sql/pg/NNN_name.sql"; \
	  echo "  app/sql:    $(notdir $(SQL))"; echo "  app/sql/pg: $(notdir $(PG_SQL))"; exit 1; fi
	@set -e; \
	c_string() { sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t "/' -e 's/$$/\\n"/' "$$1"; }; \
	table() { echo "const struct migration $$1[] = {"; shift; \
	  for f in "$$@"; do \
	    base=$$(basename $$f .sql); \
	    printf '\t{%d, "%s",\n' "$$(expr $${base%%_*} + 0)" "$${base#*_}"; \
	    c_string $$f; \
	    printf '\t},\n'; \
	  done; \
	  echo '};'; }; \
	{ \
	  echo '/* Generated from app/sql by the Makefile; do not edit. */'; \
	  echo '#include "migrations.h"'; \
	  table migrations $(SQL); \
	  echo 'const int migrations_count = sizeof migrations / sizeof migrations[0];'; \
	  table pg_migrations $(PG_SQL); \
	  echo 'const char pg_compat_sql[] ='; \
	  c_string app/sql/pg/compat.sql; \
	  echo ';'; \
	} > $@.tmp; mv $@.tmp $@

build/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

build/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) $(TEST_CLOCK) -MMD -MP -c $< -o $@

build/test-obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(TEST_CLOCK) -MMD -MP -c $< -o $@

bin/lantern: build/obj/main.o $(OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

bin/lantern-san: build/san/main.o $(SAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)

-include $(wildcard build/obj/*.d build/san/*.d build/test-obj/*.d build/fuzz-obj/*.d)

# ---- running ----
RUN_DIR ?= var/demo
run: deps all
	@mkdir -p $(RUN_DIR)
	bin/lantern --db $(RUN_DIR)/lantern.db init
	bin/lantern --db $(RUN_DIR)/lantern.db demo
	@echo "Open http://127.0.0.1:8080 (Ctrl-C stops)"
	nginx/run --port 8080 --data $(CURDIR)/$(RUN_DIR)

# ---- tests ----
build/tests/%: tests/unit/%.c $(UNIT_OBJ)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itests/unit -o $@ $^ $(LDLIBS) -lcmocka

build/tests-san/%: tests/unit/%.c $(SAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) -Itests/unit -o $@ $^ $(LDLIBS) -lcmocka

test-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
test-unit-san: $(UNIT_SAN_BIN)
	@set -e; for t in $(UNIT_SAN_BIN); do echo "== $$t (asan+ubsan)"; ASAN_OPTIONS=detect_leaks=1 $$t; done

# Black-box tests through the real nginx and FastCGI server; the server runs under the sanitizers.
# Every file runs on both engines: SQLite, then PostgreSQL (one throwaway cluster: tests/http/postgres.mjs).
HTTP_TEST_ENV := LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp LANTERN_BIN=$(CURDIR)/bin/lantern-san
test-http: test-http-sqlite test-http-postgres

test-http-sqlite: all bin/lantern-san
	$(HTTP_TEST_ENV) node --test --test-concurrency=1 tests/http/

test-http-postgres: all bin/lantern-san
	$(HTTP_TEST_ENV) node tests/http/postgres.mjs node --test --test-concurrency=1 tests/http/

# The pages in chromium, served by the sanitizer build too (some pin its test clock).
test-browser: all bin/lantern-san
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp LANTERN_BIN=$(CURDIR)/bin/lantern-san node --test --test-concurrency=1 tests/browser/

lint:
	@tests/lint.sh

# ---- fuzzing: libFuzzer targets in tests/fuzz/ (clang, with ASan and UBSan) ----
FUZZ_CC ?= clang-14
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_OBJ := $(patsubst %.c,build/fuzz-obj/%.o,$(notdir $(LIB_SRC)))
FUZZ_SECONDS ?= 30
FUZZ_ENV := LANTERN_CATALOG_DIR=$(CURDIR) ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp

build/fuzz-obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) -O1 -g $(FUZZ_SAN) $(TEST_CLOCK) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# Each target for FUZZ_SECONDS, starting from its committed seed corpus (tests/fuzz/corpus/NAME);
# what it learns goes to build/fuzz/corpus/NAME, and a crash to build/fuzz/NAME-crash-*. A fixed
# crash's input belongs in the committed corpus, so check replays it for ever after.
fuzz: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do t=$${f##*/fuzz_}; mkdir -p build/fuzz/corpus/$$t; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		$(FUZZ_ENV) $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=build/fuzz/$$t- build/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
			> build/fuzz/$$t.log 2>&1 || { tail -60 build/fuzz/$$t.log; exit 1; }; \
		grep -E '^Done [0-9]+ runs' build/fuzz/$$t.log; done

# The committed corpora, each input run once: quick, and part of check.
fuzz-replay: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do t=$${f##*/fuzz_}; \
		$(FUZZ_ENV) $$f -runs=0 tests/fuzz/corpus/$$t > build/fuzz/$$t-replay.log 2>&1 \
			|| { tail -60 build/fuzz/$$t-replay.log; exit 1; }; \
		echo "fuzz_$$t: $$(ls tests/fuzz/corpus/$$t | wc -l) corpus inputs replayed"; done

# Speed against the stack's own limits (tests/bench/run.sh); not part of check: it takes minutes and
# measures rather than asserts.
bench: deps all
	tests/bench/run.sh

check: deps all lint test-unit test-unit-san fuzz-replay test-http test-browser
	@echo "make check: all tests passed"

clean:
	rm -rf build bin
