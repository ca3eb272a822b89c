# The two commands of the README. Everything else is a detail of these.
.PHONY: run test bench setup

run:   ## run the whole app (web, worker, Redis, migrations, first admin) on local defaults
	@scripts/run.sh

test:  ## install everything, start throwaway Redis + PostgreSQL, run every test
	@scripts/test.sh $(ARGS)

bench: ## benchmark the imaging core against naive Pillow and sharp
	@scripts/setup.sh dev && .venv/bin/python benchmarks/imaging.py

setup:
	@scripts/setup.sh dev
