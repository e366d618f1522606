"""A real S3 API on loopback: moto's server, one process for the session, emptied before each test."""

import io
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import boto3
import pytest
from django.core.management import call_command

from newsroom.settings.base import media_storages

PORTS = range(8091, 8100)
ORIGINALS, RENDITIONS = "newsroom-originals", "newsroom-renditions"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {PORTS}")


@pytest.fixture(scope="session")
def moto_endpoint():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("moto's S3 server did not start") from None
            time.sleep(0.1)
    yield endpoint
    server.terminate()
    server.wait(10)


@dataclass
class S3:
    endpoint: str
    client: object
    originals: str
    renditions: str

    def keys(self, bucket: str) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def all_keys(self) -> list[str]:
        return sorted({f"{b}/{k}" for b in {self.originals, self.renditions} for k in self.keys(b)})

    def public_url(self, bucket: str, key: str) -> str:
        return f"{self.endpoint}/{bucket}/{key}"


def use_s3(settings, endpoint: str, **env) -> S3:
    """Point the two photo storages at moto, configured from an environment as production is, and give
    the buckets production's access rules (setup_media_buckets)."""
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
    env = {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": ORIGINALS,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        **env,
    }
    storages, origins = media_storages(env)
    settings.STORAGES = {**settings.STORAGES, **storages}
    settings.MEDIA_ORIGINS = origins
    call_command("setup_media_buckets", "--create", stdout=io.StringIO())
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    return S3(endpoint, client, ORIGINALS, env.get("AWS_RENDITIONS_BUCKET_NAME") or ORIGINALS)


@pytest.fixture(params=["one bucket", "two buckets"])
def s3(request, settings, moto_endpoint) -> S3:
    """Media on S3, renditions under renditions/ of the originals' bucket or in a bucket of their own."""
    extra = {"AWS_RENDITIONS_BUCKET_NAME": RENDITIONS} if request.param == "two buckets" else {}
    return use_s3(settings, moto_endpoint, **extra)


@pytest.fixture
def s3_two_buckets(settings, moto_endpoint) -> S3:
    return use_s3(settings, moto_endpoint, AWS_RENDITIONS_BUCKET_NAME=RENDITIONS)


@pytest.fixture
def s3_with(settings, moto_endpoint):
    """use_s3 with more environment: s3_with(AWS_S3_CUSTOM_DOMAIN=...)."""
    return lambda **env: use_s3(settings, moto_endpoint, **env)
