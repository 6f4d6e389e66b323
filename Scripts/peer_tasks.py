"""The task bodies of Scripts/python-peer.py, in a module of their own so that every kind of
worker can import them by name: a ProcessPoolExecutor's workers under any start method (fork,
forkserver, spawn) and an InterpreterPoolExecutor's subinterpreters, which receive the task
function pickled by reference.

Each task returns the same checksum as the lab's workload of the same name and parameters
(64-bit FNV-1a over 64-bit words, Checksum.combine), so a Python row and a Swift row with equal
checksums did the same work.
"""

import asyncio
import time

OFFSET_BASIS = 0xCBF29CE484222325
PRIME = 0x100000001B3
MASK = (1 << 64) - 1
PRIMES_BLOCK = 1024  # numbers per block, dealt out to the tasks in turn (as Workloads/Primes.swift)


def fnv_word(state, word):
    """Folds a 64-bit value, as eight little-endian bytes, into an FNV-1a state (Checksum.combine)."""
    for _ in range(8):
        state ^= word & 0xFF
        state = (state * PRIME) & MASK
        word >>= 8
    return state


def task_checksum(*words):
    state = OFFSET_BASIS
    for word in words:
        state = fnv_word(state, word)
    return state


def combined(checksums):
    """The run's checksum: each task's checksum, then the digest of its (empty) payload."""
    state = OFFSET_BASIS
    for checksum in checksums:
        state = fnv_word(state, checksum)
        state = fnv_word(state, OFFSET_BASIS)
    return f"{state:016x}"


def is_prime(number):
    """Trial division by 2, 3 and 6k +/- 1 up to the square root (Primes.isPrime)."""
    if number < 2:
        return False
    if number < 4:
        return True
    if number % 2 == 0 or number % 3 == 0:
        return False
    divisor = 5
    while divisor * divisor <= number:
        if number % divisor == 0 or number % (divisor + 2) == 0:
            return False
        divisor += 6
    return True


def primes_checksum(limit, task_count, index):
    count = total = 0
    for start in range(index * PRIMES_BLOCK, limit, task_count * PRIMES_BLOCK):
        for candidate in range(start, min(start + PRIMES_BLOCK, limit)):
            if is_prime(candidate):
                count += 1
                total += candidate
    return task_checksum(count, total & MASK)


def sleep_seconds(settings, index):
    return settings["seconds"][index % len(settings["seconds"])]


def run_task(job):
    """One task, blocking: what sequential code, a thread, a worker process or a
    subinterpreter runs. Returns the task's checksum."""
    workload, settings, task_count, index = job
    if workload == "noop":
        return index
    if workload == "sleep":
        seconds = sleep_seconds(settings, index)
        time.sleep(seconds)
        return task_checksum(index, round(seconds * 1e6))
    if workload == "primes":
        return primes_checksum(settings["limit"], task_count, index)
    raise ValueError(f"unknown workload {workload}")


async def run_task_async(job):
    """One task as a coroutine, as the lab's async mode runs it: waiting suspends
    (asyncio.sleep), compute runs on the event loop's one thread and holds it."""
    workload, settings, _, index = job
    if workload == "sleep":
        seconds = sleep_seconds(settings, index)
        await asyncio.sleep(seconds)
        return task_checksum(index, round(seconds * 1e6))
    return run_task(job)


async def run_in_flight(jobs, in_flight, body=None):
    """Keeps at most `in_flight` tasks running, each an asyncio task of its own, and starts the
    next as one ends (the lab's TaskGroup with N child tasks in flight). `body` is the task's
    coroutine function (run_task_async by default). Results in job order."""
    results = [None] * len(jobs)
    body = body or run_task_async

    async def one(position, job):
        results[position] = await body(job)

    pending = set()
    for position, job in enumerate(jobs):
        if len(pending) >= in_flight:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # a task that raised ends the repetition with its error
        pending.add(asyncio.ensure_future(one(position, job)))
    if pending:
        await asyncio.gather(*pending)
    return results


# The downloads experiment: the lab's `download` workload, image by image, against the lab's own
# image server (`lab imageserver`, started by python-peer.py). A task returns the image's
# bytes; its checksum (download_checksum) is taken after the clock stops, as FNV-1a over every
# byte in pure Python would take longer than the downloads themselves.

def request_bytes(port, index, attempt):
    """The request the lab's LoopbackHTTPClient sends: a connection per request, closed after."""
    return (f"GET /image/{index} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
            f"X-Lab-Attempt: {attempt}\r\n\r\n").encode()


def parse_head(head):
    """The status code and Content-Length of a response head (bytes up to the blank line)."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP response: {lines[0]!r}")
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise ValueError("a response without Content-Length")
    return int(parts[1]), length


def client_settings(settings):
    """The client's part of a download experiment's settings: the server's port, the retries and the
    first back-off in seconds."""
    return settings["port"], settings["retries"], settings["backoff_ms"] / 1000


def fetch_blocking(port, index, attempt):
    """One attempt on a blocking socket, as a thread of a ThreadPoolExecutor runs it."""
    import socket
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(request_bytes(port, index, attempt))
        received = bytearray()
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                raise ConnectionError(f"image {index}: the server closed the connection before its answer")
            received += chunk
        end = received.index(b"\r\n\r\n") + 4
        status, length = parse_head(bytes(received[:end]))
        body = received[end:]
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                raise ConnectionError(f"image {index}: short answer ({len(body)} of {length} bytes)")
            body += chunk
        return status, bytes(body[:length])


def download_blocking(job):
    """Image `index`, retrying a 503 with the lab's back-off (doubled each time)."""
    _, settings, _, index = job
    port, retries, backoff = client_settings(settings)
    attempt = 0
    while True:
        status, body = fetch_blocking(port, index, attempt)
        if status == 200:
            return index, body
        if attempt >= retries:
            raise RuntimeError(f"image {index}: HTTP {status} after {retries} retries")
        time.sleep(backoff * (1 << min(attempt, 20)))
        attempt += 1


async def fetch_async(port, index, attempt):
    """One attempt with asyncio streams: the event loop's one thread waits on every socket."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request_bytes(port, index, attempt))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status, length = parse_head(head)
        body = await reader.readexactly(length)
        return status, body
    finally:
        writer.close()


async def download_async(job):
    _, settings, _, index = job
    port, retries, backoff = client_settings(settings)
    attempt = 0
    while True:
        status, body = await fetch_async(port, index, attempt)
        if status == 200:
            return index, body
        if attempt >= retries:
            raise RuntimeError(f"image {index}: HTTP {status} after {retries} retries")
        await asyncio.sleep(backoff * (1 << min(attempt, 20)))
        attempt += 1


def bytes_checksum(state, data):
    """FNV-1a over raw bytes (Checksum.combine(bytes:))."""
    for byte in data:
        state = ((state ^ byte) * PRIME) & MASK
    return state


class DownloadChecksums:
    """The lab's download checksum of each image received: its index, then its bytes. An
    image's bytes are hashed the first time they arrive; every later arrival must be the same
    bytes (compared whole), so the same checksum holds for it."""

    def __init__(self):
        self.known = {}

    def checksum(self, index, body):
        known = self.known.get(index)
        if known is None:
            known = (body, bytes_checksum(fnv_word(OFFSET_BASIS, index), body))
            self.known[index] = known
        elif known[0] != body:
            raise ValueError(f"image {index}: other bytes than before")
        return known[1]
