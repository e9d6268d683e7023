"""Shared plumbing for the platform API connectors (httpx).

Every connector in ``platforms/connectors`` subclasses ``HttpConnector``. It gives them:

- one ``request()`` that adds the platform's authentication, replaces only the API root
  when an ``api_base`` is set (also in ``next`` URLs the platform hands out), waits out
  rate limits with a bounded backoff (``Retry-After``, the platforms' usage headers) and
  turns every failure into a ``PlatformError`` with a Swedish message that names the
  request (never the token);
- a resumable walk (``Walk``): a poll is a queue of listing tasks (a page of the feed, the
  comments of one post, ...). Each fetched page is yielded as a ``Page`` whose ``cursor``
  holds the tasks still to do, so a poll that breaks off resumes after the last committed
  page; when the queue is empty the cursor records when the walk started (``since``) and
  the platform's high-water marks (``marks``), and the next poll starts from there.

Raw records are kept as they came: ``Page.raw`` is the response body byte for byte, and
each item's ``raw`` is its JSON object serialised deterministically (``dump_raw``).
"""

from __future__ import annotations

import copy
import html
import json
import re
import time
from abc import abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from .base import PlatformError
from .registry import Connector, Credentials, Page

USER_AGENT = "Uppsikt/0.1 (kommunens officiella kanaler; httpx)"
CURSOR_VERSION = 1
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


def default_sleep(seconds: float) -> None:
    """The sleep used when a connector is not given one (tests replace it)."""
    time.sleep(seconds)


class ApiError(PlatformError):
    """The platform answered with an HTTP error; ``status`` and the parsed ``payload`` let a connector tell kinds apart."""

    def __init__(self, message: str, *, status: int, payload: Any = None):
        super().__init__(message)
        self.status = status
        self.payload = payload


class ActionRefused(PlatformError):
    """The platform has the action, but not for this item (e.g. X hides only replies in your own threads)."""


class ShapeError(Exception):
    """A JSON answer lacks what the platform documents; turned into a PlatformError naming the request."""


def dump_raw(obj: Any) -> bytes:
    """An item's JSON object, serialised deterministically, as stored for the record (REC-8)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


_TZ_COMPACT = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_time(value: Any, what: str) -> datetime:
    """An ISO 8601 time as the platforms write it ("2024-05-01T08:00:00+0000", "...Z", "....000Z")."""
    if not isinstance(value, str) or not value:
        raise ShapeError(f"{what} saknas eller är ingen tidpunkt")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = _TZ_COMPACT.sub(r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ShapeError(f"{what} är ingen giltig tidpunkt: {value!r}") from None
    if parsed.tzinfo is None:
        raise ShapeError(f"{what} saknar tidszon: {value!r}")
    return parsed


def epoch_time(value: Any, what: str, *, millis: bool = False) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ShapeError(f"{what} saknas eller är ingen tidpunkt")
    seconds = value / 1000 if millis else value
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ShapeError(f"{what} är ingen giltig tidpunkt: {value!r}") from None


def as_dict(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise ShapeError(f"{what} är inget JSON-objekt")
    return value


def as_list(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise ShapeError(f"{what} saknas eller är ingen lista")
    return value


def as_id(value: Any, what: str) -> str:
    """Platform ids are strings; a number is accepted and written as a string."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise ShapeError(f"{what} saknas")
    return str(value)


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def html_to_text(markup: str) -> str:
    """Plain text of a status written in HTML (Mastodon): line breaks kept, tags dropped, entities decoded."""
    return html.unescape(_TAGS.sub("", _BREAKS.sub("\n", markup or ""))).strip()


@dataclass
class ApiResponse:
    status: int
    headers: httpx.Headers
    body: bytes
    shown: str              # method and URL without secrets, for messages and the audit log
    links: dict
    label: str

    @classmethod
    def placeholder(cls, shown: str, label: str) -> "ApiResponse":
        """Stands for a listing that was not read (e.g. no permission); yields an empty page."""
        return cls(status=0, headers=httpx.Headers(), body=b"", shown=shown, links={}, label=label)

    def json(self) -> Any:
        if not self.body.strip():
            raise PlatformError(f"{self.label} svarade med ett tomt svar för {self.shown}.")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            start = self.body[:60].decode("utf-8", "replace")
            raise PlatformError(f"{self.label} svarade inte med JSON för {self.shown} (svaret börjar: {start!r}).") from None

    def json_object(self) -> dict:
        data = self.json()
        if not isinstance(data, dict):
            raise PlatformError(f"{self.label} svarade med oväntad struktur för {self.shown}: svaret är inget JSON-objekt.")
        return data

    def json_list(self) -> list:
        data = self.json()
        if not isinstance(data, list):
            raise PlatformError(f"{self.label} svarade med oväntad struktur för {self.shown}: svaret är ingen JSON-lista.")
        return data


class Walk:
    """A poll's position: what is done (``since``, ``marks``) and what is left (``run.queue``).

    The cursor is plain JSON, small (one page's worth of tasks at most) and never holds
    a token: URLs the platform hands out are stored without their secret parameters.
    """

    def __init__(self, cursor: dict | None, now: int):
        cursor = cursor if isinstance(cursor, dict) else {}
        if cursor.get("v") != CURSOR_VERSION:
            cursor = {}
        since = cursor.get("since")
        self.since: int | None = since if isinstance(since, int) else None
        marks = cursor.get("marks")
        self.marks: dict = dict(marks) if isinstance(marks, dict) else {}
        run = cursor.get("run")
        if isinstance(run, dict) and isinstance(run.get("queue"), list) and isinstance(run.get("started"), int):
            self.started = run["started"]
            self.queue: list[dict] | None = copy.deepcopy(run["queue"])
            self.run_marks: dict = dict(run.get("marks") or {})
        else:
            self.started = now
            self.queue = None
            self.run_marks = {}

    def mark(self, key: str) -> Any:
        """The high-water mark from the last complete walk."""
        return self.marks.get(key)

    def cursor(self) -> dict:
        if self.queue:
            return {
                "v": CURSOR_VERSION,
                "since": self.since,
                "marks": copy.deepcopy(self.marks),
                "run": {"started": self.started, "queue": copy.deepcopy(self.queue), "marks": copy.deepcopy(self.run_marks)},
            }
        return {"v": CURSOR_VERSION, "since": self.started, "marks": {**self.marks, **self.run_marks}, "run": None}


class HttpConnector(Connector):
    """A connector that talks JSON over HTTP with httpx."""

    timeout: float = 30.0
    max_attempts: int = 4                 # tries per request when throttled or the server fails for a moment
    max_wait: float = 60.0                # longest single wait; a longer one is reported instead of waited out
    transient_backoff: tuple[float, ...] = (1.0, 2.0, 4.0)
    token_param: str | None = None        # query parameter carrying the token (Graph API); else a Bearer header
    secret_params: tuple[str, ...] = ("access_token", "appsecret_proof", "client_secret")
    query_safe: str = ","                 # characters left unencoded in query strings
    lookback_seconds: int = 14 * 24 * 3600  # how far back comments are re-read on posts
    margin_seconds: int = 600               # overlap between polls for late-arriving items

    def __init__(self, credentials: Credentials, client: httpx.Client | None = None, *, sleep=None, clock=None, max_wait: float | None = None):
        super().__init__(credentials, client)
        if not credentials.token:
            raise PlatformError(f"{self.label}: åtkomsttoken saknas.")
        check_api_base(self.api_base, self.label)
        if self.client is None:
            self.client = httpx.Client(timeout=self.timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False)
            self._owns_client = True
        else:
            self._owns_client = False
        self._sleep = sleep
        self._clock = clock or time.time
        self._pause_until = 0.0
        if max_wait is not None:
            self.max_wait = max_wait

    # -- lifecycle ---------------------------------------------------------------
    def close(self) -> None:
        if self._owns_client and self.client is not None:
            self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        (self._sleep or default_sleep)(seconds)

    def now(self) -> float:
        return float(self._clock())

    # -- URLs ----------------------------------------------------------------------
    def strip_root_path(self, path: str) -> str:
        """The part of a platform URL's path after the API root (for rewriting ``next`` URLs)."""
        root = urlsplit(self.default_api_base).path.rstrip("/")
        if root and (path == root or path.startswith(root + "/")):
            return path[len(root):]
        return path

    def url_for(self, url_or_path: str) -> str:
        if url_or_path.startswith(("http://", "https://")):
            return self.rewrite_root(url_or_path)
        return self.api_base + url_or_path

    def rewrite_root(self, url: str) -> str:
        """A URL the platform handed out, with its root replaced by ``api_base`` when one is set."""
        if not self.credentials.api_base:
            return url
        if url == self.api_base or url.startswith(self.api_base + "/") or url.startswith(self.api_base + "?"):
            return url
        parts = urlsplit(url)
        base = urlsplit(self.api_base)
        path = self.strip_root_path(parts.path)
        return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + path, parts.query, ""))

    def sanitize(self, url: str) -> str:
        """The URL without secret query parameters (safe to show, log and store)."""
        parts = urlsplit(url)
        if not parts.query:
            return url
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in self.secret_params]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=self.query_safe), parts.fragment))

    # -- authentication and errors, per platform --------------------------------------
    def auth_headers(self) -> dict[str, str]:
        if self.token_param:
            return {}
        return {"Authorization": f"Bearer {self.credentials.token}"}

    def extra_headers(self) -> dict[str, str]:
        return {}

    def error_detail(self, data: Any) -> str:
        """A short description of the platform's error body (never containing secrets)."""
        return ""

    def is_token_error(self, status: int, data: Any) -> bool:
        return status == 401

    def throttle_wait(self, response: httpx.Response, data: Any) -> float | None:
        """Seconds to wait before retrying a throttled request; ``None`` when not throttled."""
        if response.status_code == 429:
            return retry_after(response.headers, self.now())
        return None

    def usage_pause(self, response: httpx.Response) -> float:
        """Seconds to hold off the next request because usage headers say the quota is nearly spent."""
        return 0.0

    # -- platforms that announce their window in headers (X, Mastodon) ---------------------
    remaining_header = ""   # e.g. "x-rate-limit-remaining"; empty: the platform sends none

    def reset_wait(self, headers: httpx.Headers) -> float | None:
        """Seconds until the platform's rate-limit window resets, from its own header."""
        return None

    def _window_throttle_wait(self, response: httpx.Response) -> float | None:
        if response.status_code != 429:
            return None
        if response.headers.get("retry-after"):
            return retry_after(response.headers, self.now())
        wait = self.reset_wait(response.headers)
        return wait if wait is not None else 60.0

    def _window_usage_pause(self, response: httpx.Response) -> float:
        if self.remaining_header and response.status_code < 400 and response.headers.get(self.remaining_header) == "0":
            return self.reset_wait(response.headers) or 0.0
        return 0.0

    # -- the one request function ---------------------------------------------------------
    def request(self, method: str, url_or_path: str, *, params: dict | list | None = None, json_body: Any = None,
                data: dict | None = None, headers: dict | None = None) -> ApiResponse:
        url = self.url_for(url_or_path)
        query: list[tuple[str, str]] = []
        if params:
            items = params.items() if isinstance(params, dict) else params
            query.extend((k, _param(v)) for k, v in items if v is not None)
        if self.token_param:
            existing = {k for k, _ in parse_qsl(urlsplit(url).query)}
            if self.token_param not in existing:
                query.append((self.token_param, self.credentials.token))
        full_url = _with_query(url, query, self.query_safe)
        shown = f"{method} {self.sanitize(full_url)}"
        request_headers = {**self.auth_headers(), **self.extra_headers(), **(headers or {})}
        attempt = 0
        while True:
            attempt += 1
            self._wait_for_pause(shown)
            try:
                response = self.client.request(method, full_url, json=json_body, data=data, headers=request_headers)
            except httpx.TimeoutException:
                if attempt < self.max_attempts:
                    self.sleep(self._backoff(attempt))
                    continue
                raise PlatformError(f"{self.label} svarade inte i tid för {shown} (efter {attempt} försök).") from None
            except httpx.HTTPError as exc:
                raise PlatformError(f"Kunde inte nå {self.label} för {shown}: {type(exc).__name__}.") from None
            body = response.content
            payload = _try_json(body)
            pause = self.usage_pause(response)
            if pause > 0:
                self._pause_until = max(self._pause_until, self.now() + pause)
            wait = self.throttle_wait(response, payload)
            if wait is not None:
                if attempt >= self.max_attempts or wait > self.max_wait:
                    raise PlatformError(
                        f"{self.label} begränsar antalet anrop (HTTP {response.status_code}) för {shown}; "
                        f"försök igen om {int(wait + 0.999)} sekunder.{self._detail(payload)}"
                    )
                self.sleep(wait)
                continue
            if response.status_code in TRANSIENT_STATUSES and attempt < self.max_attempts:
                self.sleep(self._backoff(attempt))
                continue
            if response.status_code >= 400:
                raise self._error(response.status_code, payload, shown, attempt)
            return ApiResponse(response.status_code, response.headers, body, shown, response.links, self.label)

    def _backoff(self, attempt: int) -> float:
        steps = self.transient_backoff or (1.0,)
        return min(steps[min(attempt, len(steps)) - 1], self.max_wait)

    def _wait_for_pause(self, shown: str) -> None:
        remaining = self._pause_until - self.now()
        if remaining <= 0:
            return
        if remaining > self.max_wait:
            raise PlatformError(
                f"{self.label}s anropskvot är nästan slut; nästa anrop ({shown}) får vänta "
                f"{int(remaining + 0.999)} sekunder. Hämtningen fortsätter vid nästa körning."
            )
        self.sleep(remaining)
        self._pause_until = 0.0

    def _detail(self, payload: Any) -> str:
        detail = self.error_detail(payload) if payload is not None else ""
        detail = " ".join(str(detail).split())[:300]
        return f" Plattformens besked: {detail}" if detail else ""

    def _error(self, status: int, payload: Any, shown: str, attempts: int) -> ApiError:
        detail = self._detail(payload)
        if self.is_token_error(status, payload):
            message = (
                f"{self.label} godtog inte åtkomsttoken (HTTP {status}) för {shown}.{detail} "
                "Koppla kanalen på nytt med en giltig token (uppsikt channel connect)."
            )
        elif status == 403:
            message = f"{self.label} nekade åtkomst (HTTP 403) för {shown}.{detail} Kontrollera att token har de behörigheter som krävs."
        elif status == 404:
            message = f"{self.label} hittade inte det som efterfrågades (HTTP 404) för {shown}.{detail}"
        elif status >= 500:
            message = f"{self.label} svarade med serverfel (HTTP {status}) för {shown} efter {attempts} försök.{detail}"
        else:
            message = f"{self.label} avvisade anropet (HTTP {status}) för {shown}.{detail}"
        return ApiError(message, status=status, payload=payload)

    def shape_error(self, response: ApiResponse, problem: ShapeError | str) -> PlatformError:
        return PlatformError(f"{self.label} svarade med oväntad struktur för {response.shown}: {problem}.")

    # -- the resumable walk --------------------------------------------------------------------
    @abstractmethod
    def initial_tasks(self, walk: Walk) -> list[dict]:
        """The listings a fresh walk starts with."""

    @abstractmethod
    def run_task(self, task: dict, walk: Walk) -> tuple[ApiResponse, list, list[dict]]:
        """Fetch one page for ``task``: the response, its items and the follow-up tasks (children first)."""

    def fetch(self, cursor: dict) -> Iterator[Page]:
        walk = Walk(cursor, int(self.now()))
        if walk.queue is None:
            walk.queue = self.initial_tasks(walk)
        while walk.queue:
            task = walk.queue.pop(0)
            response, items, followups = self.run_task(task, walk)
            walk.queue[0:0] = followups
            yield Page(items=items, cursor=walk.cursor(), request=response.shown, raw=response.body)

    def lower_bound(self, walk: Walk, *, lookback: bool) -> int | None:
        """Epoch seconds before which nothing new is expected; ``None`` on the first poll (take everything)."""
        if walk.since is None:
            return None
        return walk.since - (self.lookback_seconds if lookback else self.margin_seconds)

    def stored_url(self, url: str) -> str:
        """A platform ``next`` URL fit for the cursor: secrets removed (re-added at request time)."""
        return self.sanitize(url)


def check_api_base(url: str, label: str = "plattformen") -> None:
    """An API root must be an absolute http(s) URL without query or fragment."""
    if not url:
        raise PlatformError(f"{label}: API-adressen saknas; ange --api-base (t.ex. instansens adress).")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise PlatformError(f"{label}: ogiltig API-adress {url!r}; porten är inget tal.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise PlatformError(f"{label}: ogiltig API-adress {url!r}; ange en http- eller https-adress som https://exempel.se/v1.")
    if parts.username or parts.password:
        raise PlatformError(f"{label}: ogiltig API-adress; den får inte innehålla användarnamn eller lösenord (token anges med --token-file).")


def retry_after(headers: httpx.Headers, now: float) -> float:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); 60 when the header is missing or odd."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return 60.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 60.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _with_query(url: str, extra: list[tuple[str, str]], safe: str = ",") -> str:
    if not extra:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = {k for k, _ in extra}
    query = [(k, v) for k, v in query if k not in names] + extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=safe), parts.fragment))


def _try_json(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except (ValueError, UnicodeDecodeError):
        return None
