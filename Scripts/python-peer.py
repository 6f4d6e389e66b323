#!/usr/bin/env python3
"""The tutorial's world, measured beside the lab: Python 3, standard library only.

Runs the tutorial's three experiments -- tasks that sleep 3, 2 and 1 s; a CPU-bound job
(counting primes by trial division); many small tasks (empty ones) -- sequentially, on a
concurrent.futures.ThreadPoolExecutor and on a ProcessPoolExecutor, repeats each, and writes
results.csv and run.json in the lab's own schema. Each task computes the same checksum as the
lab's workload of the same name and parameters (64-bit FNV-1a), so a Python row and a Swift row
with equal checksums did the same work. Then:

    swift run -c release lab report Results/python
    swift run -c release lab compare Results/python Results/swift

Measured per repetition: wall time from creating the pool to the last result (pool start-up
included, not separated: startup_s is 0); the coordinator's CPU time and context switches
(getrusage(RUSAGE_SELF)); the workers' CPU time (RUSAGE_CHILDREN, once the pool has shut down
and its processes were waited for); the coordinator's peak RSS (VmHWM, reset per repetition
through /proc/self/clear_refs, as the lab does). Not measured: the workers' peak memory and the
bytes pickled through the pool's pipes (both 0).
"""

import argparse
import concurrent.futures
import csv
import json
import os
import platform
import resource
import sys
import time

OFFSET_BASIS = 0xCBF29CE484222325
PRIME = 0x100000001B3
MASK = (1 << 64) - 1
PRIMES_BLOCK = 1024  # numbers per block, dealt out to the tasks in turn (as Workloads/Primes.swift)

COLUMNS = [
    "run_id", "workload", "kind", "params", "mode", "workers", "tasks", "repetition", "wall_s", "startup_s", "tasks_per_s",
    "checksum", "status", "error", "user_s", "sys_s", "workers_user_s", "workers_sys_s", "max_rss_kib", "workers_max_rss_kib",
    "voluntary_ctx", "involuntary_ctx", "bytes_to_workers", "bytes_from_workers", "start_s", "position",
]
MODES = ["sequential", "threads", "processes"]


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


def run_task(job):
    """One task; top-level so that ProcessPoolExecutor can send it to a worker.
    Returns the task's checksum, as the lab's workload computes it."""
    workload, settings, task_count, index = job
    if workload == "noop":
        return index
    if workload == "sleep":
        seconds = settings["seconds"][index % len(settings["seconds"])]
        time.sleep(seconds)
        return task_checksum(index, round(seconds * 1e6))
    if workload == "primes":
        limit = settings["limit"]
        count = total = 0
        for start in range(index * PRIMES_BLOCK, limit, task_count * PRIMES_BLOCK):
            for candidate in range(start, min(start + PRIMES_BLOCK, limit)):
                if is_prime(candidate):
                    count += 1
                    total += candidate
        return task_checksum(count, total & MASK)
    raise ValueError(f"unknown workload {workload}")


def combined(checksums):
    """The run's checksum: each task's checksum, then the digest of its (empty) payload."""
    state = OFFSET_BASIS
    for checksum in checksums:
        state = fnv_word(state, checksum)
        state = fnv_word(state, OFFSET_BASIS)
    return f"{state:016x}"


def number_text(value):
    """The lab's canonical number text: whole numbers without '.0'."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Experiment:
    def __init__(self, workload, kind, settings, params, tasks):
        self.workload, self.kind, self.settings, self.params, self.tasks = workload, kind, settings, params, tasks


def experiments(quick, names):
    seconds = [0.03, 0.02, 0.01] if quick else [3.0, 2.0, 1.0]
    limit = 300_000 if quick else 1_000_000
    noop_tasks = 2_000 if quick else 20_000
    every = {
        "sleep": Experiment("sleep", "io", {"seconds": seconds}, "seconds=" + ",".join(map(number_text, seconds)), len(seconds)),
        "primes": Experiment("primes", "cpu", {"limit": limit}, f"limit={limit}", 8),
        "noop": Experiment("noop", "cpu", {}, "", noop_tasks),
    }
    return [every[name] for name in names]


def chunk_size(requested, tasks, workers):
    """--chunksize auto is the lab's --batch auto: at most 64, and at least 16 chunks per worker."""
    if requested != "auto":
        return int(requested)
    return min(max(tasks // (workers * 16), 1), 64)


def reset_peak_memory():
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
    except OSError:
        pass


def peak_memory_kib():
    try:
        with open("/proc/self/status") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_on_pool(pool, jobs, chunksize):
    """pool.map to the end, then a clean shutdown. On Ctrl-C the pool is not waited for (a
    `with` block would wait for every queued task): its processes are terminated at once."""
    try:
        checksums = list(pool.map(run_task, jobs, chunksize=chunksize))
    except BaseException:
        # A ProcessPoolExecutor keeps its worker processes in _processes (a thread pool has none).
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return checksums


def measure(experiment, mode, workers, chunksize):
    """One repetition: returns the wall time, checksum, error and resource deltas."""
    jobs = [(experiment.workload, experiment.settings, experiment.tasks, index) for index in range(experiment.tasks)]
    reset_peak_memory()
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    error = ""
    checksums = []
    try:
        if mode == "sequential":
            checksums = [run_task(job) for job in jobs]
        elif mode == "threads":
            checksums = run_on_pool(concurrent.futures.ThreadPoolExecutor(max_workers=workers), jobs, 1)
        else:
            checksums = run_on_pool(concurrent.futures.ProcessPoolExecutor(max_workers=workers), jobs, chunksize)
    except Exception as failure:  # a failed repetition is a measurement, as in the lab
        error = f"{type(failure).__name__}: {failure}".replace("\n", " ")
    wall = time.perf_counter() - started
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": wall,
        "checksum": "" if error else combined(checksums),
        "status": "failed" if error else "ok",
        "error": error,
        "completed": 0 if error else len(checksums),
        "user_s": self_after.ru_utime - self_before.ru_utime,
        "sys_s": self_after.ru_stime - self_before.ru_stime,
        "workers_user_s": children_after.ru_utime - children_before.ru_utime,
        "workers_sys_s": children_after.ru_stime - children_before.ru_stime,
        "max_rss_kib": peak_memory_kib(),
        "voluntary_ctx": (self_after.ru_nvcsw - self_before.ru_nvcsw) + (children_after.ru_nvcsw - children_before.ru_nvcsw),
        "involuntary_ctx": (self_after.ru_nivcsw - self_before.ru_nivcsw) + (children_after.ru_nivcsw - children_before.ru_nivcsw),
    }


def machine():
    def field(path, prefix, index):
        try:
            with open(path) as file:
                for line in file:
                    if line.startswith(prefix):
                        return line.split(":", 1)[1].strip() if index is None else line.split()[index]
        except OSError:
            pass
        return None

    uname = os.uname()
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu_model": field("/proc/cpuinfo", "model name", None) or "unknown",
        "hostname": uname.nodename,
        "kernel": f"{uname.sysname} {uname.release} {uname.machine}",
        "memory_kib": int(field("/proc/meminfo", "MemTotal:", 1) or 0),
    }


class OneLineParser(argparse.ArgumentParser):
    """Bad input is one line on stderr that names the bad value, and exit status 2."""

    def error(self, message):
        sys.stderr.write(f"python-peer: {message}\n")
        sys.exit(2)


def positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"invalid value '{text}'; expected an integer from 1 to 1024")
    return value


def non_negative(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"invalid value '{text}'; expected an integer from 0 to 100")
    return value


def chunk_text(text):
    if text == "auto" or (text.isdigit() and 1 <= int(text) <= 100_000):
        return text
    raise argparse.ArgumentTypeError(f"invalid value '{text}'; expected auto or an integer from 1 to 100000")


def experiment_list(text):
    names = text.split(",")
    for name in names:
        if name not in ("sleep", "primes", "noop"):
            raise argparse.ArgumentTypeError(f"unknown experiment '{name}'; known: sleep, primes, noop")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"an experiment appears twice in '{text}'")
    return names


def main():
    cores = len(os.sched_getaffinity(0))
    parser = OneLineParser(
        description="The tutorial's experiments in Python (sequential, ThreadPoolExecutor, ProcessPoolExecutor), "
        "written as a lab run folder (results.csv, run.json) for 'lab report' and 'lab compare'.")
    parser.add_argument("--out", required=True, help="the run folder to create; it must not exist yet")
    parser.add_argument("--experiments", type=experiment_list, default=["sleep", "primes", "noop"],
                        help="comma-separated: sleep (3, 2, 1 s), primes (limit 1,000,000, 8 tasks), noop (20,000 empty tasks)")
    parser.add_argument("--workers", type=positive, default=cores, help=f"max_workers of both pools (default {cores}, the cores)")
    parser.add_argument("--repetitions", type=positive, default=3, help="measured repetitions per cell (default 3)")
    parser.add_argument("--warmup", type=non_negative, default=1, help="unrecorded repetitions per cell, run first (default 1)")
    parser.add_argument("--chunksize", type=chunk_text, default="auto",
                        help="ProcessPoolExecutor.map's chunksize; auto is the lab's --batch auto (default)")
    parser.add_argument("--quick", action="store_true", help="the lab's quick sizes: sleep 0.03,0.02,0.01 s, primes 300,000, 2,000 noop tasks")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    arguments = parser.parse_args()

    out = arguments.out
    if os.path.exists(out):
        parser.error(f"invalid value '{out}' for --out; expected a folder path that does not exist yet")
    plan = experiments(arguments.quick, arguments.experiments)
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-python"
    try:
        os.makedirs(out)
    except OSError as failure:
        parser.error(f"cannot create --out '{out}': {failure.strerror}")

    description = {
        "build_configuration": "release",
        "ended_at": None,
        "git_commit": None,
        "lab_version": "Scripts/python-peer.py",
        "machine": machine(),
        "partial": True,
        "plan": {
            "batch": arguments.chunksize,
            "modes": MODES,
            "order": "interleaved",
            "repetitions": arguments.repetitions,
            "warmup": arguments.warmup,
            "workers": [arguments.workers],
            "workloads": [{"kind": e.kind, "name": e.workload, "params": e.params, "tasks": e.tasks} for e in plan],
        },
        "run_id": run_id,
        "runtime": f"Python {platform.python_version()} ({platform.python_implementation()})",
        "started_at": started_at,
        "swift_version": "",
    }

    def write_description():
        temporary = os.path.join(out, ".run.json.tmp")
        with open(temporary, "w") as file:
            json.dump(description, file, indent=2, sort_keys=True)
            file.write("\n")
        os.replace(temporary, os.path.join(out, "run.json"))

    write_description()
    clock = time.perf_counter()
    position = 0
    total = len(plan) * len(MODES) * (arguments.repetitions + arguments.warmup)
    with open(os.path.join(out, "results.csv"), "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        file.flush()
        for experiment in plan:
            chunksize = chunk_size(arguments.chunksize, experiment.tasks, arguments.workers)
            rounds = [(r, True) for r in range(1, arguments.warmup + 1)] + [(r, False) for r in range(1, arguments.repetitions + 1)]
            for repetition, warmup in rounds:
                for mode in MODES:
                    position += 1
                    workers = 1 if mode == "sequential" else arguments.workers
                    if not arguments.quiet:
                        label = f"{experiment.workload} {mode}" + (f" x{workers}" if mode != "sequential" else "")
                        sys.stderr.write(f"python-peer: [{position}/{total}] {label} {'warm-up' if warmup else 'repetition'} {repetition}\n")
                    start = time.perf_counter() - clock
                    result = measure(experiment, mode, workers, chunksize)
                    if warmup:
                        continue
                    writer.writerow([
                        run_id, experiment.workload, experiment.kind, experiment.params, mode, workers, experiment.tasks, repetition,
                        f"{result['wall_s']:.6f}", "0.000000", f"{result['completed'] / result['wall_s']:.3f}", result["checksum"],
                        result["status"], result["error"], f"{result['user_s']:.6f}", f"{result['sys_s']:.6f}",
                        f"{result['workers_user_s']:.6f}", f"{result['workers_sys_s']:.6f}", result["max_rss_kib"], 0,
                        result["voluntary_ctx"], result["involuntary_ctx"], 0, 0, f"{start:.6f}", position,
                    ])
                    file.flush()
    description["partial"] = False
    description["ended_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_description()
    print(f"wrote results.csv and run.json in {out}/; next: swift run -c release lab report {out}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        # The pools' workers got the same SIGINT (one process group) and are gone; every row
        # written so far is whole (one flushed write per row), and run.json stays partial.
        sys.stderr.write("\npython-peer: interrupted; the rows measured so far are in --out's results.csv (run.json says partial)\n")
        sys.stderr.flush()
        # Not sys.exit: the interpreter would wait at exit for pool threads still sleeping.
        os._exit(130)
