"""What compose.yaml would do when started, read from the file as Compose reads it (anchors and merges
resolved): the VCL Varnish gets, the worker's command, the buckets, the addresses readers are given, the
healthchecks each dependency waits on. There is no Docker daemon here to start it (docs/many-machines.md)."""

import socket
import sys

import pytest
import yaml
from django.core.management import CommandError, call_command

from newsroom.ops import vcl
from tests.infra.engines import ROOT, compile_vcl

sys.path.insert(0, str(ROOT / "scripts"))

from cluster_parts import cluster_ports, ports_in_use  # noqa: E402

SERVICES = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
ONE_SHOTS = {"migrate", "media-buckets"}


def test_varnish_gets_the_vcl_made_from_the_one_template_for_both_app_servers():
    mounted = [v for v in SERVICES["varnish"]["volumes"] if v.endswith(":/etc/varnish/default.vcl:ro")]
    assert mounted == ["./deploy/varnish/compose.vcl:/etc/varnish/default.vcl:ro"]
    kept = (ROOT / "deploy" / "varnish" / "compose.vcl").read_text()
    # A change to default.vcl that was not carried into compose.vcl fails here: run the command it names.
    assert kept == vcl.compose_vcl()
    assert '.host = "app-1";' in kept and '.host = "app-2";' in kept and '.host = "127.0.0.1"' not in kept
    assert {"app-1", "app-2"} <= set(SERVICES)


def test_the_command_writes_the_same_vcl(tmp_path):
    out = tmp_path / "compose.vcl"
    call_command("varnish_vcl", *vcl.COMPOSE_NODES, output=str(out))
    assert out.read_text() == (ROOT / "deploy" / "varnish" / "compose.vcl").read_text()
    with pytest.raises(CommandError, match="not host:port"):
        call_command("varnish_vcl", "app-1:http")


def test_the_deployed_vcl_compiles(tmp_path):
    # varnishd resolves backend names while compiling, and app-1 exists only on compose's network: the
    # same template rendered for two loopback servers is what is compiled.
    rendered = vcl.compose_vcl().replace('"app-1"', '"127.0.0.1"').replace('"app-2"', '"127.0.0.1"')
    compiled = compile_vcl(rendered, tmp_path)
    assert compiled.returncode == 0, compiled.stderr[-2000:]


def test_the_worker_runs_the_scheduler_too():
    # db_worker runs tasks only; run_worker also polls due wire feeds and requeues dead workers' tasks.
    assert SERVICES["worker"]["command"] == ["python", "manage.py", "run_worker"]


def test_the_buckets_are_made_before_any_app_server_starts():
    assert SERVICES["media-buckets"]["command"] == ["python", "manage.py", "setup_media_buckets", "--create"]
    assert SERVICES["media-buckets"]["depends_on"]["s3"] == {"condition": "service_healthy"}
    for name in ("app-1", "app-2", "worker"):
        waits = SERVICES[name]["depends_on"]["media-buckets"]
        assert waits == {"condition": "service_completed_successfully"}


def test_readers_are_given_addresses_their_browsers_can_reach():
    env = SERVICES["app-1"]["environment"]
    assert env["AWS_S3_ENDPOINT_URL"] == "http://s3:9000"  # the servers' own way in
    assert not env["AWS_S3_CUSTOM_DOMAIN"].startswith("s3")
    assert env["AWS_S3_CUSTOM_DOMAIN"].endswith("/" + env["AWS_STORAGE_BUCKET_NAME"])
    assert "9000:9000" in SERVICES["s3"]["ports"]
    # Without a TLS proxy in the file, the HTTPS redirect is off unless asked for.
    assert env["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-0}"
    assert env["SITE_URL"].startswith("${SITE_URL:-http://localhost")


def test_every_image_is_pinned():
    # Those built here (the app) are this checkout; every one pulled is a fixed release.
    images = {name: s["image"] for name, s in SERVICES.items() if "image" in s and "build" not in s}
    assert images, "no service names an image"
    unpinned = {n: i for n, i in images.items() if ":" not in i or i.endswith(":latest")}
    assert unpinned == {}


def test_every_long_running_service_has_a_healthcheck_and_dependants_wait_for_it():
    # The worker answers no port: it is restarted by Compose when it exits, not probed.
    unchecked = [
        name
        for name, service in SERVICES.items()
        if name not in ONE_SHOTS | {"worker"} and service.get("healthcheck", {"disable": True}).get("disable")
    ]
    assert unchecked == []
    for name in ("varnish", "redis", "redis-replica", "sentinel-1", "sentinel-2", "sentinel-3", "s3"):
        assert SERVICES[name]["healthcheck"]["test"][0] == "CMD", name
    # The app servers are ready when /readyz is (the primary database answers), and Varnish waits on it.
    assert "/readyz" in " ".join(SERVICES["app-1"]["healthcheck"]["test"])
    assert SERVICES["varnish"]["depends_on"]["app-1"] == {"condition": "service_healthy"}
    assert SERVICES["app-1"]["depends_on"]["sentinel-1"] == {"condition": "service_healthy"}


def test_the_cluster_tests_ports_move_together_and_a_taken_one_is_named():
    moved = cluster_ports(9161)
    assert moved["pg_primary"] == 9161 and moved["nodes"] == (9171, 9172)
    everything = [p for v in moved.values() for p in (v if isinstance(v, tuple) else (v,))]
    assert len(set(everything)) == len(everything) and max(everything) - min(everything) < 12
    with pytest.raises(SystemExit, match="CLUSTER_BASE_PORT=80"):
        cluster_ports(80)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert ports_in_use({"pg_primary": port, "nodes": (port + 1,)}) == [port]
