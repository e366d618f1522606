# The README's commands. Each target sets up what it needs (scripts/setup.sh) and is safe to re-run.
.PHONY: run test bench backup restore
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
bench:
	bash scripts/bench.sh
