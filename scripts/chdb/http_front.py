"""
A ClickHouse HTTP front for chDB: the current ClickHouse engine (chdb-core, in-process) behind the
few parts of ClickHouse's HTTP interface that @clickhouse/client uses, so the project's own
TypeScript code (connection.ts, the sink, the migrations) can run unchanged against it.

Why a front of our own: chdb-core runs ClickHouse inside the Python process only. Its library
exports no clickhouse-local entry point, and `SYSTEM START LISTEN HTTP` (clickhouse-local 26.x)
answers "start_servers_callback is not set" inside chdb, so ClickHouse's own HTTP handler cannot
be started. What this file does is framing only: every statement, every row parser (RowBinary,
JSONEachRow, VALUES) and every result format is the engine's.

What it serves (everything else is refused, never guessed):
- GET /ping -> "Ok."
- GET or POST / : the statement is the `query` parameter followed by the body, like ClickHouse.
  `INSERT ... FORMAT <name>` in the `query` parameter with a body streams the body to the engine
  as that format's data. `default_format` sets the output format (TabSeparated otherwise).
  `database` runs the statement with that default database.
- Any other parameter is a setting for that one statement (`SET name = value` before it and
  `SET name = DEFAULT` after it, under the lock), as ClickHouse reads settings from the URL.
- Errors: HTTP 500 (or 400 for an unsupported request) with ClickHouse's own error text, which
  starts `Code: N. DB::Exception: ...`, and the X-ClickHouse-Exception-Code header, as the client
  expects.

One statement at a time (one lock): a chDB connection runs nothing else while a streaming insert
is open, and the tests need correctness here, not concurrency.

Usage: python http_front.py --path DIR [--port 0] [--host 127.0.0.1]
Prints one JSON line {"url": ..., "version": ...} on stdout once it listens; stops when its
standard input closes (the parent died or closed it) or on SIGTERM/SIGINT.
"""

import argparse
import gzip
import json
import re
import signal
import sys
import tempfile
import threading
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import chdb
from chdb import session as chdb_session

# Parameters that carry no setting: handled here or meaningless without a real server.
FRAMING_PARAMS = {
    "query",
    "database",
    "default_format",
    "query_id",
    "session_id",
    "session_timeout",
    "session_check",
    "user",
    "password",
    "enable_http_compression",
    "http_headers_progress_interval_ms",
    "send_progress_in_http_headers",
    "wait_end_of_query",
    "compress",
    "decompress",
}

INSERT_WITH_FORMAT = re.compile(r"^\s*(INSERT\s+INTO\s+.+?)\s+FORMAT\s+([A-Za-z0-9_]+)\s*$", re.I | re.S)
CODE = re.compile(r"Code: (\d+)\.")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class EngineError(Exception):
    def __init__(self, message, status=500):
        super().__init__(message)
        self.status = status


class Engine:
    """One chDB session (tables persist across statements in its folder), used under one lock."""

    def __init__(self, path):
        self.path = path
        self.session = chdb_session.Session(path)
        self.lock = threading.Lock()
        self.version = self.session.query("SELECT version()", "TabSeparated").bytes().decode().strip()

    def close(self):
        with self.lock:
            self.session.close()

    def _scoped(self, database, settings, run):
        """Runs `run` with a default database and settings, then puts the session back."""
        for name in settings:
            if not NAME.match(name):
                raise EngineError(f"Code: 115. DB::Exception: bad setting name {name!r}. (UNKNOWN_SETTING)", 400)
        if database is not None and not NAME.match(database):
            raise EngineError(f"Code: 36. DB::Exception: bad database name {database!r}. (BAD_ARGUMENTS)", 400)
        applied = []
        try:
            for name, value in settings.items():
                self.session.query(f"SET {name} = {setting_literal(value)}", "TabSeparated")
                applied.append(name)
            if database is not None:
                self.session.query(f"USE `{database}`", "TabSeparated")
            return run()
        finally:
            if database is not None:
                self.session.query("USE default", "TabSeparated")
            for name in applied:
                self.session.query(f"SET {name} = DEFAULT", "TabSeparated")

    def insert(self, statement, input_format, data, database, settings):
        def stream():
            inserter = self.session.send_insert(statement, input_format)
            try:
                inserter.append(data)
            except BaseException:
                inserter.cancel()
                raise
            result = inserter.finish()
            return b"", result.rows_written, result.bytes_written

        def from_file():
            # chdb before 4.x (ClickHouse 25.8 in chdb 3.7) has no streaming insert; its
            # clickhouse-local reads the same bytes with the same input format from a file.
            with tempfile.NamedTemporaryFile(dir=self.path, suffix=".insert") as body:
                body.write(data)
                body.flush()
                result = self.session.query(f"{statement} FROM INFILE '{body.name}' FORMAT {input_format}", "TabSeparated")
                return b"", counter(result, "rows_written"), counter(result, "bytes_written")

        run = stream if hasattr(self.session, "send_insert") else from_file

        with self.lock:
            return self._scoped(database, settings, run)

    def query(self, statement, output_format, database, settings):
        def run():
            result = self.session.query(statement, output_format)
            return result.bytes(), counter(result, "rows_read"), counter(result, "bytes_read")

        with self.lock:
            return self._scoped(database, settings, run)


def counter(result, name):
    """A query result's statistic for X-ClickHouse-Summary; chdb 3.x results lack some (then 0)."""
    value = getattr(result, name, None)
    return value() if callable(value) else 0


def setting_literal(value):
    """A URL setting value as SQL: numbers bare, anything else a quoted string."""
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def engine_message(error):
    """ClickHouse's own error text from a chDB exception (wrappers add a prefix before `Code:`)."""
    text = str(error)
    start = text.find("Code: ")
    return text[start:] if start >= 0 else f"Code: 1000. DB::Exception: {text}. (UNKNOWN)"


def make_handler(engine):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "cxpulse-chdb-front"

        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            pass

        def _body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                body = b"".join(chunks)
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            encoding = self.headers.get("Content-Encoding", "").lower()
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "deflate":
                body = zlib.decompress(body)
            elif encoding not in ("", "identity"):
                raise EngineError(f"Code: 1000. DB::Exception: unsupported Content-Encoding {encoding}. (UNKNOWN)", 400)
            return body

        def _send(self, status, payload, headers):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Keep-Alive", "timeout=10")
            self.end_headers()
            self.wfile.write(payload)

        def _handle(self):
            url = urlsplit(self.path)
            if url.path == "/ping":
                self._body()
                self._send(200, b"Ok.\n", {"Content-Type": "text/plain; charset=UTF-8"})
                return
            if url.path != "/":
                self._body()
                self._send(404, b"Code: 1000. DB::Exception: only / and /ping are served. (UNKNOWN)\n", {})
                return
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            query_id = params.get("query_id") or str(uuid.uuid4())
            headers = {"X-ClickHouse-Query-Id": query_id, "X-ClickHouse-Server-Display-Name": "chdb"}
            try:
                body = self._body()
                settings = {name: value for name, value in params.items() if name not in FRAMING_PARAMS}
                database = params.get("database") or None
                query = params.get("query")
                insert = INSERT_WITH_FORMAT.match(query) if query is not None and body else None
                if insert:
                    output, rows, nbytes = engine.insert(insert.group(1), insert.group(2), body, database, settings)
                    summary = {"written_rows": str(rows), "written_bytes": str(nbytes)}
                else:
                    text = body.decode("utf-8")
                    statement = text if query is None else (query + ("\n" + text if text else ""))
                    if not statement.strip():
                        raise EngineError("Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)", 400)
                    output_format = params.get("default_format") or "TabSeparated"
                    output, rows, nbytes = engine.query(statement, output_format, database, settings)
                    summary = {"read_rows": str(rows), "read_bytes": str(nbytes)}
            except EngineError as error:
                self._send_error(error.status, str(error), headers)
                return
            except UnicodeDecodeError:
                self._send_error(400, "Code: 1000. DB::Exception: a statement body must be UTF-8. (UNKNOWN)", headers)
                return
            except Exception as error:  # noqa: BLE001 (every engine error goes back to the client)
                self._send_error(500, engine_message(error), headers)
                return
            headers["X-ClickHouse-Summary"] = json.dumps(summary)
            headers["Content-Type"] = "text/plain; charset=UTF-8"
            self._send(200, output, headers)

        def _send_error(self, status, message, headers):
            code = CODE.search(message)
            headers = dict(headers)
            headers["X-ClickHouse-Exception-Code"] = code.group(1) if code else "1000"
            headers["Content-Type"] = "text/plain; charset=UTF-8"
            self._send(status, (message.rstrip("\n") + "\n").encode("utf-8"), headers)

        do_GET = _handle
        do_POST = _handle

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", required=True, help="the chDB session folder (tables live there)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        # No authentication here: loopback only.
        parser.error("--host must be a loopback address")

    engine = Engine(args.path)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(engine))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print(json.dumps({"url": f"http://{host}:{port}", "version": engine.version, "chdb": chdb.__version__}), flush=True)

    stopping = threading.Event()

    def stop(*_):
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_stdin():
        # EOF: the parent closed the pipe or died; either way nobody is left to use us.
        while sys.stdin.buffer.read(4096):
            pass
        stopping.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while not stopping.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    engine.close()


if __name__ == "__main__":
    main()
