"""What `bench/run` serves: the production settings (DEBUG off, cached templates, the same
middleware and storage) plus two things only a benchmark needs, never deployed: a minimal view
at /bench/floor/ (the cost of any request through the middleware, the floor the pages are
compared with) and the number of database queries of each response in an `X-Bench-Queries`
header (`cms.bench`)."""

from .production import *  # noqa: F403
from .production import MIDDLEWARE, env

CAPABLE_BENCH = True
# Outermost, so the queries of every middleware (sessions, MFA, session tracking) count too.
MIDDLEWARE = ["cms.bench.QueryCountMiddleware", *MIDDLEWARE]
# bench/run collects static files here (hashed names, as in production) before it starts.
STATIC_ROOT = env("STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
