"""What the in-process bench scripts share: a page timed with Django's test client, its queries
counted on a first request, then `repeat` timed requests; a line a URL and one over all."""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_urls(rows, client_for, *, repeat: int, explain: bool = False) -> list[float]:
    """Time each `(who, url)` of `rows` with `client_for(who)`'s client (`who` may be None, for
    anonymous pages) and print the table; returns every timing."""
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'who':15} {'url':44} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    every = []
    for who, url in rows:
        client = client_for(who)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = captured.captured_queries  # now: the next request empties the log
        assert response.status_code == 200, (who, url, response.status_code)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        every += timings
        print(
            f"{who or 'anonymous':15} {url:44} {statistics.median(timings):9.1f} "
            f"{percentile(timings, 0.95):7.1f} {len(queries):7d}"
        )
        if explain:
            for query in queries:
                print(f"    {query['time']:>6}s  {query['sql'][:150]}")
    print(
        f"{'all':60} {statistics.median(every):9.1f} {percentile(every, 0.95):7.1f} "
        f"({len(every)} requests)"
    )
    return every
