"""A connection the server breaks before answering: an idempotent request is sent once more
(RFC 9112 section 9.3.1), a POST only when the server closed without reading it."""

from __future__ import annotations

import socket
import struct
import threading

import httpx
import pytest

from conformance.client import ApiClient, Limits
from conformance.safety import SafetyPolicy
from conformance.targets import origin_of

ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
          b"Connection: close\r\n\r\n{}")


class BreaksFirstConnection:
    """A real server on loopback: it resets the first connection after reading the request
    (as a recycled worker's keep-alive connection does), then answers every later one."""

    def __init__(self, reset: bool = True, partial: bool = False) -> None:
        self.reset = reset  # RST instead of an answer; else an orderly close (FIN) without one
        self.partial = partial  # first the start of an answer: the request was processed
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.requests: list[bytes] = []
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                self.requests.append(conn.recv(65536))
                if not self.reset and len(self.requests) == 1:
                    conn.shutdown(socket.SHUT_WR)  # closed without a byte of answer
                    continue
                if len(self.requests) == 1:  # RST instead of an answer
                    if self.partial:
                        conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 40\r\n\r\n{")
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    continue
                conn.sendall(ANSWER)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def server():
    srv = BreaksFirstConnection()
    yield srv
    srv.close()


def _client(base: str) -> ApiClient:
    return ApiClient(base, Limits.for_policy({origin_of(base)}, SafetyPolicy(), 5.0, []), None)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_an_idempotent_request_is_sent_once_more(server, method):
    client = _client(server.base)
    resp = client.request(method, "things/1", json_body={} if method == "PUT" else None)
    assert resp.status_code == 200 and len(server.requests) == 2
    assert "(sent once more)" in (client.exchanges[0].error or "")


def test_a_post_the_server_began_to_answer_is_not_repeated():
    srv = BreaksFirstConnection(partial=True)
    try:
        with pytest.raises(httpx.HTTPError):
            _client(srv.base).post("things", {"name": "x"})
        assert len(srv.requests) == 1
    finally:
        srv.close()


def test_a_post_the_server_closed_unread_is_sent_once_more():
    srv = BreaksFirstConnection(reset=False)
    try:
        client = _client(srv.base)
        assert client.post("things", {"name": "x"}).status_code == 200
        assert len(srv.requests) == 2 and b"POST /things" in srv.requests[1]
    finally:
        srv.close()


def test_test_data_is_made_again_after_a_broken_connection(server):
    """The factory's POST of test data gets one more try: the data is the harness's, not a
    judgement, and a supplier recycling a worker must not make a whole run incomplete."""
    from conformance.zgw import Factory

    factory = Factory(catalogi=_client(server.base))
    answer = factory.create(factory.catalogi, "things", {"name": "x"})
    assert answer == {} and len(server.requests) == 2
