"""A minimal HTTP/1.1 client on raw sockets, for load and cost measurements:
requests are built once as bytes, so the client spends its share of the
machine's two cores sending rather than formatting."""

import socket
import time


def raw_post(path: str, body: bytes, content_type: str, host: str = "127.0.0.1") -> bytes:
    """The bytes of one HTTP/1.1 POST that closes its connection after the answer."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def send(port: int, raw: bytes, timeout: float = 60) -> tuple[int, float]:
    """One request on a fresh loopback connection: the status (0 when the connection
    failed) and the seconds to the full answer."""
    started = time.perf_counter()
    status = 0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
            connection.sendall(raw)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        answer = b"".join(chunks)
        if answer.startswith(b"HTTP/1.1 ") and answer.find(b"\r\n\r\n") > 0:
            status = int(answer[9:12])
    except OSError:
        pass
    return status, time.perf_counter() - started
