"""gunicorn settings of ``make serve``: threaded workers sized from the CPU count, logs on stdout.

Every value can be overridden from the environment: ``HOST``/``PORT``,
``WEB_CONCURRENCY`` (worker processes), ``WEB_THREADS`` (threads per worker),
``WEB_TIMEOUT`` (seconds before a stuck request's worker is restarted).
"""

import os

_cpus = os.cpu_count() or 1

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# One process per core keeps the CPU busy; threads cover the time a request waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, _cpus)))
threads = int(os.environ.get("WEB_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
wsgi_app = "ourvidz_admin.wsgi:application"
