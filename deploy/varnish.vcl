# The edge cache for Newsroom (Varnish 7.1 with xkey from Debian's varnish-modules): keeps anonymous pages as
# long as their Cache-Control says, and forgets each one the moment something it shows changes.
#
# Every page the app serves says what it shows in an `xkey` header (NEWSROOM_EDGE=varnish, newsroom/edge.py);
# after each commit the app sends `PURGE /` with an `xkey-purge: <tags>` header to every Varnish node
# (NEWSROOM_EDGE_VARNISH_URLS), and xkey.purge removes every page showing one of them. A hard purge, never
# softpurge: a purged page is never served again, not even "stale" in grace. Grace (stale-while-revalidate)
# serves only an expired copy that nothing purged, while one fetch refreshes it.
#
# The stack (docs/edge.md): nginx (TLS, slow clients, /static/, /media/; deploy/nginx.conf) → Varnish on
# 127.0.0.1:6081 → granian on each app server. Varnish does not buffer request bodies: keep nginx in front.
# Run: varnishd -a 127.0.0.1:6081 -f /etc/varnish/newsroom.vcl -s malloc,1g
# Adjust the backends, the host names and the purgers' addresses below.

vcl 4.1;

import directors;
import std;
import xkey;

# --- app servers: one backend each, all added to the director in vcl_init ---------------------------------
# Each is probed on /healthz every 2 s; two failed probes of the last four take it out of the director until it
# answers again (a request that finds it dead first is retried on another: vcl_backend_error). The probe's Host
# must be one of the app's ALLOWED_HOSTS (anything else is a 400, and the server would be taken out).
probe healthz {
    .request = "GET /healthz HTTP/1.1"
               "Host: news.example.com"
               "User-Agent: Varnish health probe"
               "Connection: close";
    .interval = 2s;
    .timeout = 1s;
    .window = 4;
    .threshold = 3;
    .initial = 3;  # trusted at start: no request waits for the first probes
}

backend app_1 { .host = "127.0.0.1"; .port = "8000"; .connect_timeout = 2s; .first_byte_timeout = 30s; .probe = healthz; }

# Who may purge: this machine and the app servers (their addresses as Varnish sees them).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app_1);
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }

    # The site's own names only (ALLOWED_HOSTS): anything else is refused here, never looked up nor cached.
    set req.http.host = std.tolower(req.http.host);
    if (req.http.host !~ "^(news\.example\.com)(:[0-9]+)?$") {
        return (synth(400, "Unknown host"));
    }
    set req.backend_hint = app.backend();

    # Never cached, never waiting behind another request: writes, probes, the admin, previews, the beacons.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin/|healthz|readyz|preview/|csp-report|news/[0-9]+/(vote|seen)/)") {
        return (pass);
    }
    # A signed-in reader or a page with a message: personal, straight to the app.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # An anonymous page is the same bytes for every reader: other cookies (the voter's, csrftoken) change nothing.
    unset req.http.Cookie;
    set req.url = std.querysort(req.url);
    return (hash);
}

sub vcl_hash {
    # Host and scheme: pages print absolute URLs, and one Varnish may serve several names.
    hash_data(req.url);
    hash_data(req.http.host);
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_backend_response {
    # The app decides: only what it marks public, with a lifetime and no cookie, is kept.
    if (beresp.ttl <= 0s || beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "public"
        || beresp.http.Cache-Control ~ "(private|no-cache|no-store)") {
        # Remember for a moment that this URL is not cacheable, so requests for it do not queue behind one
        # another (hit-for-miss: the next response may be cacheable again and is then kept).
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    # stale-while-revalidate sets the grace: an expired, never purged copy served while one fetch refreshes it.
    return (deliver);
}

sub vcl_backend_error {
    # The server died between two probes: a read is tried once more on another (a body already sent is not).
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    unset resp.http.xkey;  # for Varnish only
    if (obj.uncacheable) {
        set resp.http.X-Edge-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "HIT";
    } else {
        set resp.http.X-Edge-Cache = "MISS";
    }
}

sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = resp.reason + {"
"};
    return (deliver);
}
