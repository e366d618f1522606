# The README's commands. Each target sets up what it needs (scripts/setup.sh) and is safe to re-run.
.PHONY: run test bench bench-import bench-audit bench-beacon bench-newsletter backup restore lighthouse cluster-test
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
bench:
	bash scripts/bench.sh
# A generated 50,000-post WordPress export imported into a database of its own (ARGS="--posts 5000").
bench-import:
	bash -c 'source scripts/setup.sh && DATABASE_URL="$${DATABASE_URL%/*}/newsroom_bench_import" python bench/wordpress_import.py $(ARGS)'
# What the read beacon costs against the framework floor (also run by make bench).
bench-beacon:
	bash -c 'source scripts/setup.sh && export DJANGO_SETTINGS_MODULE=bench.settings DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost CACHE_PREFIX=newsroom-bench SECRET_KEY="$$(python -c "import secrets; print(secrets.token_urlsafe(64))")" && python bench/beacon.py $(ARGS)'
# What the audit log costs a story save, and its screen over a million rows (in newsroom_bench_audit).
bench-audit:
	bash -c 'source scripts/setup.sh && export DATABASE_URL="$${DATABASE_URL%/*}/newsroom_bench_audit" && python -m newsroom.ops.dbcreate && python bench/audit.py'
# An issue sent to 5,000 subscribers through a real SMTP server on loopback (in newsroom_bench_newsletter).
bench-newsletter:
	bash -c 'source scripts/setup.sh && export DATABASE_URL="$${DATABASE_URL%/*}/newsroom_bench_newsletter" && python -m newsroom.ops.dbcreate && python bench/newsletter.py $(ARGS)'
lighthouse:
	bash scripts/lighthouse.sh
# The many-machines soak (scripts/cluster_test.py): not part of `make test`. ARGS="--seconds 120" etc.
cluster-test:
	NEED_APT="varnish varnish-modules redis-server" bash -c 'source scripts/setup.sh && python scripts/cluster_test.py $(ARGS)'
backup:
	bash -c 'source scripts/setup.sh && python manage.py backup $(if $(OUT),--output "$(OUT)")'
restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/newsroom-YYYYMMDD-HHMMSS.tar"; exit 2; }
	bash -c 'source scripts/setup.sh && python manage.py restore "$(FILE)"'
