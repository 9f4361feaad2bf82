# faultline: the two commands a newcomer needs.
#   make demo   install what is missing, build, load the bundled data and sample news, serve the dashboard
#   make test   install what is missing, build with tests, run every test
# Everything else is a CMake preset (see HACKING.md).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DEMO_DB ?= faultline.db
DEMO_PORT ?= 8080

.PHONY: deps build demo test test-only fuzz bench clean

deps:
	@scripts/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build build/release -j $(JOBS)

demo: build
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	./build/release/faultline --db $(DEMO_DB) import --input-format csv data/demo/pbc_suicide_facts.csv data/demo/pbc_drone_facts.csv
	@echo
	@echo "Incidents by year (Pakistan Body Count facts: suicide attacks 1995-2017, drone strikes 2004-2017):"
	./build/release/faultline --db $(DEMO_DB) stats --by year
	@echo
	@echo "By province:"
	./build/release/faultline --db $(DEMO_DB) stats --by admin1
	@echo
	@echo "Sample news (data/samples/news) into the review queue:"
	./build/release/faultline --db $(DEMO_DB) ingest data/samples/news
	@echo
	@echo "Database ready: $(DEMO_DB). Try: ./build/release/faultline --db $(DEMO_DB) query --admin1 KP --min-killed 20"
	@password=$$(./build/release/faultline --db $(DEMO_DB) users add demo-admin --role admin | sed -n 's/^password[^:]*: //p'); \
	echo; \
	echo "Dashboard: http://127.0.0.1:$(DEMO_PORT)/"; \
	echo "Sign in as demo-admin with password $$password (shown once; only its hash is stored)."; \
	echo "Ctrl-C stops the server."; \
	exec ./build/release/faultline --db $(DEMO_DB) serve --port $(DEMO_PORT) --quiet

test: deps
	cmake --preset ci >/dev/null
	cmake --build build/ci -j $(JOBS)
	ctest --preset ci -j $(JOBS)

test-only:
	ctest --preset ci -j $(JOBS)

fuzz: deps
	fuzz/run-all.sh $(or $(FUZZ_SECONDS),60)

bench: deps
	cmake --preset bench >/dev/null
	cmake --build build/bench -j $(JOBS)
	bench/run.sh

clean:
	rm -rf build
