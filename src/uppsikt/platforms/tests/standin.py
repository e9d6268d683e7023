"""A tiny Graph API stand-in: a real HTTP server on 127.0.0.1 that serves the Facebook recordings.

It answers at the Graph paths (``/v21.0/{page-id}/feed``, ``/v21.0/{post-id}/comments``, …),
picking the page by the ``after`` cursor as Graph does, so a connector pointed at it with
``--api-base http://127.0.0.1:PORT/v21.0`` walks the same pages it would on Facebook.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .support import raw

PAGE = "104857600000001"
P1, P2, P3 = f"{PAGE}_812345678901234", f"{PAGE}_812345678905678", f"{PAGE}_812345678909999"

RECORDED_ROUTES: dict[tuple[str, str | None], str] = {
    (f"/v21.0/{PAGE}/feed", None): "feed_page1.json",
    (f"/v21.0/{PAGE}/feed", "QVFIUjJhZAnRlcjE2ZD"): "feed_page2.json",
    (f"/v21.0/{P1}/comments", None): "comments_p1_page1.json",
    (f"/v21.0/{P1}/comments", "MwZDZD"): "comments_p1_page2.json",
    (f"/v21.0/{P2}/comments", None): "comments_p2.json",
    (f"/v21.0/{P3}/comments", None): "comments_empty.json",
    (f"/v21.0/{PAGE}/conversations", None): "conversations.json",
    ("/v21.0/t_10161234567890123/messages", None): "messages.json",
}


class GraphStandIn:
    """Serves ``routes`` (recorded bodies) and ``dynamic`` handlers; ``fail`` lists routes that answer 500."""

    def __init__(self, routes: dict | None = None):
        self.routes = dict(RECORDED_ROUTES if routes is None else routes)
        self.dynamic: dict[str, Callable[[str | None], bytes]] = {}
        self.fail: set[tuple[str, str | None]] = set()
        self.requests: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                after = parse_qs(parts.query).get("after", [None])[0]
                stand_in.requests.append(self.path)
                key = (parts.path, after)
                if key in stand_in.fail:
                    return self._send(500, json.dumps({"error": {"message": "An unknown error has occurred.", "type": "OAuthException", "code": 1, "is_transient": True}}).encode())
                if parts.path in stand_in.dynamic:
                    return self._send(200, stand_in.dynamic[parts.path](after))
                name = stand_in.routes.get(key)
                if name is None:
                    return self._send(404, json.dumps({"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}}).encode())
                return self._send(200, raw("facebook", name))

            def _send(self, status: int, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def comment_pages(post_id: str, total: int, per_page: int = 100) -> Callable[[str | None], bytes]:
    """Pages of ``total`` comments on ``post_id``, built from a recorded comment, ``after`` = page number."""
    template = json.loads(raw("facebook", "comments_p1_page1.json"))["data"][0]
    pages = (total + per_page - 1) // per_page

    def page(after: str | None) -> bytes:
        number = int(after or 0)
        data = []
        for n in range(number * per_page, min(total, (number + 1) * per_page)):
            comment = dict(template)
            comment["id"] = f"{post_id.split('_')[1]}_{900000000000 + n}"
            comment["message"] = f"Kommentar nummer {n}: när öppnar badplatsen vid Stora sjön?"
            comment["permalink_url"] = f"https://www.facebook.com/{post_id}?comment_id={900000000000 + n}"
            data.append(comment)
        body = {"data": data, "paging": {"cursors": {"before": str(number), "after": str(number + 1)}}}
        if number + 1 < pages:
            body["paging"]["next"] = f"https://graph.facebook.com/v21.0/{post_id}/comments?access_token=EAAGtoken&filter=stream&limit={per_page}&after={number + 1}"
        return json.dumps(body, separators=(",", ":")).encode()

    return page
