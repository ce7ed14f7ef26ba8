"""JSON log lines for production: one object per line on stdout, which any log collector reads
(journald, Docker, a cloud's log agent) without a parser of its own. No dependency: the standard
library's logging and json."""

import json
import logging
from datetime import UTC, datetime

# LogRecord attributes that every record has: anything else on a record was passed as `extra`
# (Django adds status_code and request to request logs; gunicorn adds its access-log atoms).
_STANDARD = set(logging.LogRecord("", logging.INFO, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}
# Extras never written out: the request object itself (its repr says nothing useful and could
# carry a query string), and the socket Django's server passes.
_DROPPED = {"request", "server_time", "socket"}


class JSONFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", ...extras, "exception"}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            # The path alone: a query string may carry what someone typed into a search.
            entry["method"] = request.method
            entry["path"] = request.path
        for key, value in record.__dict__.items():
            if key in _STANDARD or key in _DROPPED or key.startswith("_"):
                continue
            entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
