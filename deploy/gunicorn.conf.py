"""gunicorn settings for production (`make serve` uses them locally): read by `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be overridden from the environment (GUNICORN_*). Sync workers: a page-cache hit takes about as
long as /healthz, and a miss is CPU-bound template rendering, so one worker per core plus one keeps both cores
busy without threads (measured with `make bench`: 2 sync workers on 2 cores serve warm pages at ~0.9-1.1 of
/healthz). A slow client holds a sync worker; in production put nginx (deploy/nginx.conf) in front, which
buffers requests and responses.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # recycle workers now and then: bounded memory whatever a library leaks
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "newsroom.wsgi:application"
