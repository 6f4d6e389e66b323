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


async def run_in_flight(jobs, in_flight):
    """Keeps at most `in_flight` tasks running, each an asyncio task of its own, and starts the
    next as one ends (the lab's TaskGroup with N child tasks in flight). Results in job order."""
    results = [None] * len(jobs)

    async def one(position, job):
        results[position] = await run_task_async(job)

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
