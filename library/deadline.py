"""An httpx transport whose whole exchange ends by one deadline
(`time.monotonic()`), for the article fetch (fetching.py): connects, TLS
handshakes, writes and reads of the headers as of the body each wait only
for what is left of it. A socket timeout bounds one wait only, so a server
that sends a byte just before each runs out would otherwise hold a fetch for
as long as it likes."""

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait ends by the deadline. A socket timeout
    bounds one wait only, and a server that sends a byte just before each
    one runs out would hold the fetch for as long as it likes."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _wait(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # Only the request is written, a few hundred bytes: one send.
        self._stream.write(buffer, _wait(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        try:
            wait = _wait(self._deadline, timeout, httpcore.ConnectTimeout)
        except httpcore.ConnectTimeout:
            # A failed handshake closes the connection; one never begun, here.
            self._stream.close()
            raise
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, wait), self._deadline)

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own sockets (SyncBackend), each connect and each wait on
    the connection ending by the deadline."""

    def __init__(self, deadline: float):
        self._backend = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[tuple] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _wait(self._deadline, timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, wait, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)


def _wait(deadline: float, timeout: float | None, expired: type[Exception]) -> float:
    """How long one socket operation may wait: its own timeout, or less when
    the deadline is nearer. Never 0, which would make the socket
    non-blocking rather than time out."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the time budget is spent")
    return left if timeout is None else min(timeout, left)


class DeadlineTransport(httpx.BaseTransport):
    """httpx's HTTPTransport on a _DeadlineBackend: HTTPTransport takes no
    network backend, so this drives httpcore's pool the way it does."""

    def __init__(self, deadline: float, *, ssl_context: ssl.SSLContext):
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=_DeadlineBackend(deadline))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = self._pool.handle_request(core_request)
        return httpx.Response(
            response.status, headers=response.headers, stream=_Body(response.stream), extensions=response.extensions
        )

    def close(self) -> None:
        self._pool.close()


class _Body(httpx.SyncByteStream):
    """The body as httpcore reads it, with httpx's errors."""

    def __init__(self, stream: Iterable[bytes]):
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        with _httpx_errors():
            self._stream.close()


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """httpcore's errors as the httpx ones this module catches (httpx's own
    transport maps them too, but not publicly). A timeout first: httpcore's
    ConnectTimeout is no ConnectError, so it does not try the next address."""
    try:
        yield
    except httpcore.TimeoutException as error:
        raise httpx.TimeoutException(str(error)) from error
    except httpcore.ConnectError as error:
        raise httpx.ConnectError(str(error)) from error
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as error:
        raise httpx.TransportError(str(error)) from error
