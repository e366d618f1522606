from django.core.management.base import BaseCommand, CommandError

from newsroom.ops import vcl


class Command(BaseCommand):
    help = "Print Varnish's VCL for these app servers (host:port), from deploy/varnish/default.vcl."

    def add_arguments(self, parser):
        parser.add_argument("nodes", nargs="+", help="app servers as host:port (or a port on 127.0.0.1)")
        parser.add_argument("--output", help="write it to this file instead")

    def handle(self, *args, nodes, output=None, **options):
        for node in nodes:
            port = node.rsplit(":", 1)[-1]
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise CommandError(f"{node!r} is not host:port (or a port)")
        text = vcl.compose_vcl() if nodes == vcl.COMPOSE_NODES else vcl.cluster_vcl(vcl.template(), nodes)
        if output:
            with open(output, "w") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")
