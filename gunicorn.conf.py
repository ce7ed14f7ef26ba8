"""gunicorn's settings for Capable (read by `gunicorn cms.wsgi`, which finds this file in the
working directory; or pass `-c gunicorn.conf.py`). Each can be set from the environment; the
defaults suit a small server behind a reverse proxy (nginx or a load balancer) that ends TLS.

    GUNICORN_BIND        where to listen (default 127.0.0.1:8000, for a proxy on the same server;
                         0.0.0.0:8000 in a container; a unix socket as unix:/run/...)
    GUNICORN_WORKERS     worker processes (default: 2 per core plus 1, at most 8)
    GUNICORN_THREADS     threads per worker (default 2: a page waiting on the database lets
                         another run; Django is thread-safe)
    GUNICORN_TIMEOUT     seconds a request may take before its worker is restarted (default 60:
                         the longest export; longer work belongs in the task worker)
    GUNICORN_MAX_REQUESTS  restart each worker after this many requests (default 2000, with
                         jitter), which bounds any slow growth in memory
    FORWARDED_ALLOW_IPS  the proxies trusted for X-Forwarded-* (default 127.0.0.1)
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "cms.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("GUNICORN_THREADS", 2)
timeout = _int("GUNICORN_TIMEOUT", 60)
# A stopping worker finishes the requests it has (a deploy or `systemctl reload`).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the application once in the master, so a worker starts at once and a broken deploy fails
# before any worker takes a request.
preload_app = True
# The heartbeat file in memory, not on a disk that may be slow (containers' overlay filesystems).
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")  # noqa: S108
# No runtime control socket unless asked for: none is needed to run, and the default path is
# under $HOME, which a service account may not have.
control_socket_disable = "GUNICORN_CONTROL_SOCKET" not in os.environ
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "/run/capable/gunicorn.ctl")

# Logs: access and errors to stdout, one JSON object a line like Django's own (cms.log_format).
# The access line carries no query string: it may hold what someone typed into a search.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%(a)s"'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cms.log_format.JSONFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
