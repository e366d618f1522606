"""Varnish's VCL for many app servers, from the one template (deploy/varnish/default.vcl, whose single
`backend default` is one app server): a round-robin director over the nodes, each probed on /healthz, and
reads retried on the next node when one fails. The compose file's VCL (deploy/varnish/compose.vcl) and the
cluster test's are both made here: `python manage.py varnish_vcl app-1:8000 app-2:8000`.
"""

import re
from pathlib import Path

from django.conf import settings

PROBE = """
# The app nodes, checked on /healthz: a node that stops answering leaves the director within ~1.5 s.
probe healthz {
    .url = "/healthz";
    .interval = 0.5s;
    # Generous: a busy node's /healthz waits behind page renders, and a node wrongly marked sick leaves
    # the other alone (or none). A dead node refuses at once; retries cover it until the probe notices.
    .timeout = 2s;
    .window = 4;
    .threshold = 2;
    .initial = 2;
}
"""

BACKEND = """
backend app{n} {{
    .host = "{host}";
    .port = "{port}";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .probe = healthz;
}}
"""

DIRECTOR = """
sub vcl_init {{
    new nodes = directors.round_robin();
{adds}
}}

sub vcl_backend_fetch {{
    set bereq.backend = nodes.backend();
}}

# A node that died between two probes: a read is sent again to the next node (round robin), never shown
# to the reader as a 503. Writes are not repeated.
sub vcl_backend_error {{
    if (bereq.retries < {retries} && (bereq.method == "GET" || bereq.method == "HEAD")) {{
        return (retry);
    }}
}}
"""


def cluster_vcl(base: str, nodes: list[int | str], *, retries: int = 3) -> str:
    """The repository's VCL with its single `backend default` replaced by a round-robin director over
    the app `nodes` (`host:port`, or a port on 127.0.0.1), health-probed on /healthz, retrying reads on
    a backend error."""
    addresses = [str(node).rsplit(":", 1) if ":" in str(node) else ("127.0.0.1", str(node)) for node in nodes]
    backends = "".join(BACKEND.format(n=n, host=host, port=port) for n, (host, port) in enumerate(addresses))
    adds = "\n".join(f"    nodes.add_backend(app{n});" for n in range(len(nodes)))
    block = PROBE + backends + DIRECTOR.format(adds=adds, retries=retries)
    vcl, replaced = re.subn(r"^backend default \{.*?^\}\n", lambda _: block, base, count=1, flags=re.S | re.M)
    if replaced != 1:
        raise ValueError("the VCL has no `backend default { ... }` block to replace")
    vcl, imported = re.subn(r"^import xkey;$", "import xkey;\nimport directors;", vcl, count=1, flags=re.M)
    if imported != 1:
        raise ValueError("the VCL does not import xkey")
    return vcl


def template() -> str:
    return (Path(settings.BASE_DIR) / "deploy" / "varnish" / "default.vcl").read_text()


COMPOSE_NODES = ["app-1:8000", "app-2:8000"]


def compose_vcl() -> str:
    first, rest = cluster_vcl(template(), COMPOSE_NODES).split("\n", 1)
    made = "# Made by `python manage.py varnish_vcl app-1:8000 app-2:8000` from default.vcl: do not edit."
    return f"{first}\n{made}\n{rest}"
