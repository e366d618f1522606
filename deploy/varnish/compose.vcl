vcl 4.1;
# Made by `python manage.py varnish_vcl app-1:8000 app-2:8000` from default.vcl: do not edit.
# Varnish in front of Newsroom's app servers: anonymous pages are kept for their `s-maxage` and purged
# by surrogate key (vmod xkey, Debian's varnish-modules) when the app sends
#     PURGE / HTTP/1.1
#     xkey: a42 s3 home
# from an address in the `purgers` ACL (EDGE_PURGE_BACKEND=varnish, VARNISH_PURGE_URLS).
# Staff (a session or CSRF cookie), the admin, previews and anything but GET/HEAD pass to the app.
#
# Run: varnishd -f /etc/varnish/default.vcl -a :80 -s malloc,256m
# The backend below is the app (gunicorn); with several app servers, use a vmod_directors round robin.

import xkey;
import directors;


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

backend app0 {
    .host = "app-1";
    .port = "8000";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .probe = healthz;
}

backend app1 {
    .host = "app-2";
    .port = "8000";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .probe = healthz;
}

sub vcl_init {
    new nodes = directors.round_robin();
    nodes.add_backend(app0);
    nodes.add_backend(app1);
}

sub vcl_backend_fetch {
    set bereq.backend = nodes.backend();
}

# A node that died between two probes: a read is sent again to the next node (round robin), never shown
# to the reader as a 503. Writes are not repeated.
sub vcl_backend_error {
    if (bereq.retries < 3 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

# Who may purge: the app servers. Loopback and private networks (a compose network, a VPC).
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    unset req.http.X-Edge-Pass;
    unset req.http.X-Encoding;
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "PURGE needs an xkey header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    # Django's session and CSRF cookies: someone signed in, or signing in. Their pages are their own, as
    # are a reader's (/account/: their cookie is sent there only).
    if (req.method != "GET" && req.method != "HEAD"
        || req.http.Authorization
        || req.url ~ "^/(admin|preview|account)/"
        || req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken)=") {
        set req.http.X-Edge-Pass = "1";
        return (pass);
    }
    # Campaign tags (a newsletter's ?nl=, utm_*, ad click ids) change nothing the app renders; the page's
    # script reads them from the address bar. One object per page, however its link was tagged.
    if (req.url ~ "[?&](utm_[a-z]+|nl|fbclid|gclid)(=|&|$)") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|nl|fbclid|gclid)(=[^&]*)?(&|$)", "");
        set req.url = regsub(req.url, "[?&]$", "");
    }
    # Anything else (analytics, consent) changes nothing the app renders for a reader.
    unset req.http.Cookie;
    # Varnish keeps gzip itself (and unzips it for a client without); Brotli and zstd come compressed
    # from the app and are kept as objects of their own for the clients that name them. Brotli first:
    # an object is compressed once and sent many times, so bytes count, not the app's CPU (bench/
    # encodings.py: Brotli is the smallest, zstd the cheapest to make, the app's own choice uncached).
    if (req.http.Accept-Encoding ~ "(^|,)\s*br\s*(,|$)") {
        set req.http.X-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "(^|,)\s*zstd\s*(,|$)") {
        set req.http.X-Encoding = "zstd";
    }
    return (hash);
}

sub vcl_hash {
    # One object per URL and encoding: every host name of the site renders the same page (links use
    # SITE_URL). A purge by key reaches every encoding's object.
    hash_data(req.url);
    if (req.http.X-Encoding) {
        hash_data(req.http.X-Encoding);
    }
    return (lookup);
}

sub vcl_backend_fetch {
    # Varnish asks for gzip on every miss; a zstd or Brotli object is asked for in its own encoding.
    if (bereq.http.X-Encoding) {
        set bereq.http.Accept-Encoding = bereq.http.X-Encoding;
        unset bereq.http.X-Encoding;
    }
}

sub vcl_backend_response {
    # The app's keys become xkey's index; the TTL comes from s-maxage (Varnish reads it before max-age)
    # and the grace from stale-while-revalidate.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # A response without Cache-Control is one the app did not mean to share (Varnish would keep it 120 s).
    if (!beresp.http.Cache-Control) {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (req.http.X-Edge-Pass) {
        set resp.http.X-Edge = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge = "HIT";
    } else {
        set resp.http.X-Edge = "MISS";
    }
    # The keys are for this cache only; a CDN in front of it would read them as its own.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
}
