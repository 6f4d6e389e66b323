#!/usr/bin/env python3
"""The tutorial's world, measured beside the lab: Python 3, standard library only.

Runs the tutorial's experiments -- tasks that sleep 3, 2 and 1 s; a CPU-bound job (counting
primes by trial division); many small tasks (empty ones); its asyncio section, 1,000 tasks
that each wait 1 s; and, when asked, its image downloads, 10,000 images from the lab's own
image server at 10 to 10,000 in flight -- in the ways today's Python offers, repeats each,
and writes results.csv and run.json in the lab's own schema:

    sequential                 a loop
    threads                    concurrent.futures.ThreadPoolExecutor
    processes (fork)           ProcessPoolExecutor, one cell per start method the
    processes (forkserver)       interpreter offers (3.14 made forkserver the default on
    processes (spawn)            Linux): what starting workers each way costs
    async                      asyncio, N tasks in flight as the lab's async mode keeps them
    threads (interpreters)     concurrent.futures.InterpreterPoolExecutor (3.14, PEP 734):
                                 a thread per worker, each with its own interpreter and GIL

A cell the interpreter cannot run is still a row: status `unavailable` and the reason in
`error`. The start method and `interpreters` are the row's `variant` column, part of its cell
for `lab report` and `lab compare`; `lab compare` sets each variant against the lab's own cell
of that mode. Every row also says the interpreter (`runtime`) and whether its GIL was on
(`gil`); run.json says the same and more under `python`. `--python PATH` runs the experiments
with another interpreter (a free-threaded 3.14t, say), as does running this file with it.

Each task computes the same checksum as the lab's workload of the same name and parameters
(Scripts/peer_tasks.py), so a Python row and a Swift row with equal checksums did the same work.
(downloads takes its checksums after the clock stops: FNV-1a over every byte in pure Python
would take longer than the downloads.)
Then:

    swift run -c release lab report Results/python
    swift run -c release lab compare Results/python Results/swift

Measured per repetition: wall time from creating the pool (or event loop) to the last result
(start-up included, not separated: startup_s is 0); the coordinator's CPU time and context
switches (getrusage(RUSAGE_SELF)); the workers' CPU time (RUSAGE_CHILDREN, once the pool has
shut down and its processes were waited for; empty for forkserver, whose workers are the
server's children, not ours); the coordinator's peak RSS (VmHWM, reset per repetition through
/proc/self/clear_refs, as the lab does); the process's peak thread count (/proc/self/stat
sampled every 2 ms by a thread not counted, as the lab does). Not measured: the workers' peak memory and the bytes
pickled through the pool's pipes (both 0).
"""

import argparse
import asyncio
import concurrent.futures
import csv
import json
import multiprocessing
import os
import platform
import resource
import signal
import subprocess
import sys
import sysconfig
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_tasks  # noqa: E402 (after the path: the task bodies live beside this file)

# The lab's results.csv header (ResultColumn), then the peer's own two columns.
COLUMNS = [
    "run_id", "workload", "kind", "params", "mode", "workers", "tasks", "repetition", "wall_s", "startup_s", "tasks_per_s",
    "checksum", "status", "error", "coordinator_user_s", "coordinator_sys_s", "workers_user_s", "workers_sys_s",
    "coordinator_max_rss_kib", "workers_max_rss_kib", "coordinator_voluntary_ctx", "coordinator_involuntary_ctx",
    "workers_voluntary_ctx", "workers_involuntary_ctx", "bytes_to_workers", "bytes_from_workers", "start_s", "position",
    "work_s", "exchange_s", "idle_s", "teardown_s", "residual_s", "pin", "transport", "units", "variant",
    "coordinator_peak_threads",
    "runtime", "gil",
]
START_METHODS = ["fork", "forkserver", "spawn"]


def interpreter():
    """What runs the experiments: version, build, and whether the GIL is on right now
    (sys._is_gil_enabled, 3.13 on; a free-threaded build can still turn it back on)."""
    version = platform.python_version()
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    gil_enabled = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    offered = multiprocessing.get_all_start_methods()
    return {
        "executable": sys.executable,
        "implementation": platform.python_implementation(),
        "version": version,
        "free_threaded_build": free_threaded,
        "gil_enabled": gil_enabled,
        "start_methods": [method for method in START_METHODS if method in offered],
        "default_start_method": multiprocessing.get_start_method(),
        "interpreter_pool": hasattr(concurrent.futures, "InterpreterPoolExecutor"),
    }


class Experiment:
    def __init__(self, name, workload, kind, settings, params, tasks):
        self.name, self.workload, self.kind, self.settings, self.params, self.tasks = name, workload, kind, settings, params, tasks


def number_text(value):
    """The lab's canonical number text: whole numbers without '.0'."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# The downloads experiment's images, in flight counts and the lab's download parameters (their
# canonical text is the params column, as `lab run --set download.bytes=4096 --set
# download.fail_every=0` writes it; quick: latency 3 ms, back-off 1 ms, 1,000 images).
DOWNLOAD_IN_FLIGHT = [10, 100, 1000, 10000]
DOWNLOAD_IN_FLIGHT_QUICK = [10, 100, 1000]


def download_settings(quick):
    return {"latency_ms": 3 if quick else 25, "bytes": 4096, "fail_every": 0, "retries": 3, "backoff_ms": 1 if quick else 10}


def experiments(quick, names):
    seconds = [0.03, 0.02, 0.01] if quick else [3.0, 2.0, 1.0]
    wait = 0.05 if quick else 1.0
    limit = 300_000 if quick else 1_000_000
    noop_tasks = 2_000 if quick else 20_000
    download = download_settings(quick)
    every = {
        "sleep": Experiment("sleep", "sleep", "io", {"seconds": seconds}, "seconds=" + ",".join(map(number_text, seconds)), len(seconds)),
        "primes": Experiment("primes", "primes", "cpu", {"limit": limit}, f"limit={limit}", 8),
        "noop": Experiment("noop", "noop", "cpu", {}, "", noop_tasks),
        "waits": Experiment("waits", "sleep", "io", {"seconds": [wait]}, f"seconds={number_text(wait)}", 1000),
        "downloads": Experiment(
            "downloads", "download", "io", download,
            ";".join(f"{key}={number_text(value)}" for key, value in download.items()), 1000 if quick else 10_000),
    }
    return [every[name] for name in names]


class Cell:
    """One way of running an experiment; `unavailable` says why this interpreter cannot."""

    def __init__(self, mode, workers, variant="", unavailable=None):
        self.mode, self.workers, self.variant, self.unavailable = mode, workers, variant, unavailable

    @property
    def label(self):
        text = self.mode if self.mode == "sequential" else f"{self.mode} x{self.workers}"
        return text + (f" ({self.variant})" if self.variant else "")


def cells(experiment, workers, python, quick):
    """The cells of an experiment. `waits` is the tutorial's asyncio section: every task in
    flight at once, on a thread each and as asyncio tasks (the Swift run of it is in Sources/README.md).
    `downloads` is its image downloader at each in-flight count, ThreadPoolExecutor against
    asyncio streams."""
    if experiment.name == "waits":
        return [Cell("threads", experiment.tasks), Cell("async", experiment.tasks)]
    if experiment.name == "downloads":
        counts = DOWNLOAD_IN_FLIGHT_QUICK if quick else DOWNLOAD_IN_FLIGHT
        return [Cell(mode, count) for count in counts for mode in ("threads", "async")]
    offered = ", ".join(python["start_methods"]) or "none"
    result = [Cell("sequential", 1), Cell("threads", workers)]
    for method in START_METHODS:
        reason = None if method in python["start_methods"] else f"multiprocessing offers no {method} start method here (it offers {offered})"
        result.append(Cell("processes", workers, method, reason))
    result.append(Cell("async", workers))
    reason = None if python["interpreter_pool"] else (
        f"InterpreterPoolExecutor (PEP 734) needs Python 3.14; this is {python['version']}")
    result.append(Cell("threads", workers, "interpreters", reason))
    return result


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
        checksums = list(pool.map(peer_tasks.run_task, jobs, chunksize=chunksize))
    except BaseException:
        # A ProcessPoolExecutor keeps its worker processes in _processes (a thread pool has none).
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return checksums


def make_pool(cell):
    """The executor of a pool cell."""
    if cell.mode == "processes":
        context = multiprocessing.get_context(cell.variant)
        return concurrent.futures.ProcessPoolExecutor(max_workers=cell.workers, mp_context=context)
    if cell.variant == "interpreters":
        # Each subinterpreter imports the task module by name, so it needs this folder on its
        # path: the builtin exec, run there as the initializer, puts it there.
        folder = os.path.dirname(os.path.abspath(peer_tasks.__file__))
        return concurrent.futures.InterpreterPoolExecutor(
            max_workers=cell.workers, initializer=exec, initargs=(f"import sys; sys.path.insert(0, {folder!r})",))
    return concurrent.futures.ThreadPoolExecutor(max_workers=cell.workers)


class ThreadPeak:
    """The most threads this process has at once, from /proc/self/stat (field 20) every 2 ms on
    a thread of its own, which is not counted; None where there is no /proc."""

    def __init__(self):
        self.peak, self.stopping = None, threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self):
        while True:
            try:
                count = self.os_threads() - 1
            except (OSError, IndexError, ValueError):
                return
            self.peak = max(self.peak or 0, count)
            if self.stopping.wait(0.002):
                return

    @staticmethod
    def os_threads():
        with open("/proc/self/stat") as file:
            return int(file.read().rsplit(")", 1)[1].split()[17])

    def __enter__(self):
        # A pool joined a moment ago has let go of its Python threads, but the kernel may still
        # list them while they exit (27 in the first async repetition after 1,000 pool threads,
        # under load): wait, at most 2 s, until it lists no more than Python has alive.
        try:
            deadline = time.monotonic() + 2
            while self.os_threads() > threading.active_count() and time.monotonic() < deadline:
                time.sleep(0.001)
        except (OSError, IndexError, ValueError):
            pass
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stopping.set()
        self.thread.join()


class ImageServer:
    """The lab's image server (`lab imageserver LATENCY_S BYTES FAIL_EVERY`) in a process of its
    own, as `lab run` starts it for download: it says its port on its first line and stops when
    its standard input ends (and dies with this process)."""

    def __init__(self, lab, settings):
        arguments = [lab, "imageserver", str(settings["latency_ms"] / 1000), str(settings["bytes"]), str(settings["fail_every"])]
        self.process = subprocess.Popen(arguments, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.process.stdout.readline().decode(errors="replace").strip()
        if not line.startswith("port ") or not line[5:].isdigit():
            self.stop()
            raise RuntimeError(f"the image server ({lab} imageserver) did not start: it said {line!r}")
        self.port = int(line[5:])

    def stop(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def make_room_for(descriptors, quiet):
    """Raises the soft open-file limit for `descriptors` more (a socket per download in flight;
    the server inherits the limit and holds as many), within the hard limit, and says so.
    Returns why it cannot, or None."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = descriptors + len(os.listdir("/proc/self/fd")) + 64
    if wanted <= soft:
        return None
    if hard != resource.RLIM_INFINITY and wanted > hard:
        return (f"downloads with {descriptors} in flight needs {wanted} open files, more than this process may open "
                f"(its hard limit is {hard}: ulimit -Hn); raise the limit")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if not quiet:
        sys.stderr.write(f"python-peer: raised the open-file limit from {soft} to {wanted} for downloads\n")
    return None


def measure(experiment, cell, chunksize, checksums_of_downloads=None):
    """One repetition: returns the wall time, checksum, error and resource deltas."""
    jobs = [(experiment.workload, experiment.settings, experiment.tasks, index) for index in range(experiment.tasks)]
    reset_peak_memory()
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    error = ""
    checksums = []
    with ThreadPeak() as threads:
        started = time.perf_counter()
        try:
            if experiment.workload == "download":
                if cell.mode == "async":
                    images = asyncio.run(peer_tasks.run_in_flight(jobs, cell.workers, peer_tasks.download_async))
                else:
                    with concurrent.futures.ThreadPoolExecutor(max_workers=cell.workers) as pool:
                        images = list(pool.map(peer_tasks.download_blocking, jobs))
            elif cell.mode == "sequential":
                checksums = [peer_tasks.run_task(job) for job in jobs]
            elif cell.mode == "async":
                checksums = asyncio.run(peer_tasks.run_in_flight(jobs, cell.workers))
            else:
                checksums = run_on_pool(make_pool(cell), jobs, chunksize if cell.mode == "processes" else 1)
        except Exception as failure:  # a failed repetition is a measurement, as in the lab
            error = f"{type(failure).__name__}: {failure}".replace("\n", " ")
        wall = time.perf_counter() - started
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if experiment.workload == "download" and not error:
        # After the clock and the usage: every image's bytes, checked and hashed.
        try:
            checksums = [checksums_of_downloads.checksum(index, body) for index, body in images]
        except ValueError as failure:
            error = f"ValueError: {failure}"
    # A forkserver's workers are its children, not ours: their CPU time is not in RUSAGE_CHILDREN.
    workers_measured = cell.variant != "forkserver"
    return {
        "wall_s": wall,
        "checksum": "" if error else peer_tasks.combined(checksums),
        "status": "failed" if error else "ok",
        "error": error,
        "completed": 0 if error else len(checksums),
        "coordinator_user_s": self_after.ru_utime - self_before.ru_utime,
        "coordinator_sys_s": self_after.ru_stime - self_before.ru_stime,
        "workers_user_s": children_after.ru_utime - children_before.ru_utime if workers_measured else None,
        "workers_sys_s": children_after.ru_stime - children_before.ru_stime if workers_measured else None,
        "coordinator_max_rss_kib": peak_memory_kib(),
        "coordinator_voluntary_ctx": self_after.ru_nvcsw - self_before.ru_nvcsw,
        "coordinator_involuntary_ctx": self_after.ru_nivcsw - self_before.ru_nivcsw,
        "workers_voluntary_ctx": children_after.ru_nvcsw - children_before.ru_nvcsw if workers_measured else "",
        "workers_involuntary_ctx": children_after.ru_nivcsw - children_before.ru_nivcsw if workers_measured else "",
        "coordinator_peak_threads": threads.peak,
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


EXPERIMENTS = ("sleep", "primes", "noop", "waits", "downloads")
DEFAULT_EXPERIMENTS = ["sleep", "primes", "noop", "waits"]


def experiment_list(text):
    names = text.split(",")
    for name in names:
        if name not in EXPERIMENTS:
            raise argparse.ArgumentTypeError(f"unknown experiment '{name}'; known: {', '.join(EXPERIMENTS)}")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"an experiment appears twice in '{text}'")
    return names


def run_with(path):
    """--python PATH: the same command, run by that interpreter (this process is replaced)."""
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        sys.stderr.write(f"python-peer: invalid value '{path}' for --python; expected the path of a Python 3 interpreter to run\n")
        sys.exit(2)
    rest, skip = [], False
    for argument in sys.argv[1:]:
        if skip:
            skip = False
        elif argument == "--python":
            skip = True
        elif not argument.startswith("--python="):
            rest.append(argument)
    os.execv(path, [path, os.path.abspath(__file__)] + rest)


def main():
    # A launcher may pass on blocked signals (Foundation's Process, started from a Dispatch
    # thread, passes on that thread's mask, SIGCHLD among them). A forkserver that never sees
    # SIGCHLD never reports its workers' exits, and the pool's shutdown waits for ever.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    cores = len(os.sched_getaffinity(0))
    default_lab = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".build", "release", "lab")
    parser = OneLineParser(
        description="The tutorial's experiments in today's Python (sequential, ThreadPoolExecutor, ProcessPoolExecutor with "
        "each start method, asyncio, InterpreterPoolExecutor), written as a lab run folder (results.csv, run.json) for "
        "'lab report' and 'lab compare'.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        "  python3 Scripts/python-peer.py --out Results/python\n"
        "  python3 Scripts/python-peer.py --quick --experiments noop,waits --out Results/python-quick\n"
        "  python3 Scripts/python-peer.py --experiments downloads --repetitions 3 --warmup 0 --out Results/python-downloads\n")
    parser.add_argument("--out", required=True, help="the run folder to create; it must not exist yet")
    parser.add_argument("--experiments", type=experiment_list, default=DEFAULT_EXPERIMENTS,
                        help="comma-separated: sleep (3, 2, 1 s), primes (limit 1,000,000, 8 tasks), noop (20,000 empty tasks), "
                        "waits (1,000 tasks of 1 s, all in flight, on threads and asyncio); default those four. downloads: "
                        "10,000 images of 4 KiB, 25 ms each, from the lab's image server (--lab), 10, 100, 1,000 and 10,000 "
                        "in flight on ThreadPoolExecutor and asyncio streams (about 4 minutes)")
    parser.add_argument("--workers", type=positive, default=cores,
                        help=f"max_workers of the pools and asyncio tasks in flight (default {cores}, the cores; waits: 1,000)")
    parser.add_argument("--repetitions", type=positive, default=3, help="measured repetitions per cell (default 3)")
    parser.add_argument("--warmup", type=non_negative, default=1, help="unrecorded repetitions per cell, run first (default 1)")
    parser.add_argument("--chunksize", type=chunk_text, default="auto",
                        help="ProcessPoolExecutor.map's chunksize; auto is the lab's --batch auto (default)")
    parser.add_argument("--quick", action="store_true",
                        help="the lab's quick sizes: sleep 0.03,0.02,0.01 s, primes 300,000, 2,000 noop tasks, waits of 0.05 s")
    parser.add_argument("--lab", metavar="PATH", default=default_lab,
                        help=f"the lab binary whose image server downloads uses (default {os.path.relpath(default_lab)}: "
                        "swift build -c release makes it)")
    parser.add_argument("--python", metavar="PATH", help="run the experiments with this interpreter instead (default: the one running this file)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    arguments = parser.parse_args()
    if arguments.python:
        run_with(arguments.python)

    out = arguments.out
    if os.path.exists(out):
        parser.error(f"invalid value '{out}' for --out; expected a folder path that does not exist yet")
    if "downloads" in arguments.experiments and not (os.path.isfile(arguments.lab) and os.access(arguments.lab, os.X_OK)):
        parser.error(f"invalid value '{arguments.lab}' for --lab; downloads needs the lab binary for its image server "
                     "(swift build -c release makes .build/release/lab)")
    plan = experiments(arguments.quick, arguments.experiments)
    python = interpreter()
    gil = "enabled" if python["gil_enabled"] else "disabled"
    runtime = f"Python {python['version']}"
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-python"
    plan_cells = [(experiment, cells(experiment, arguments.workers, python, arguments.quick)) for experiment in plan]
    in_flight = max((cell.workers for experiment, every in plan_cells if experiment.workload == "download" for cell in every), default=0)
    refusal = make_room_for(in_flight, arguments.quiet) if in_flight else None
    if refusal:
        sys.stderr.write(f"python-peer: {refusal}\n")
        sys.exit(2)
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
            "modes": ["sequential", "threads", "processes", "async"],
            "order": "interleaved",
            "repetitions": arguments.repetitions,
            "warmup": arguments.warmup,
            "workers": sorted({cell.workers for _, every in plan_cells for cell in every if cell.mode != "sequential"}),
            "workloads": [{"kind": e.kind, "name": e.workload, "params": e.params, "tasks": e.tasks} for e in plan],
            "cells": [{"workload": e.workload, "params": e.params, "cell": cell.label, "unavailable": cell.unavailable}
                      for e, every in plan_cells for cell in every],
        },
        "python": python,
        "run_id": run_id,
        "runtime": f"{runtime} ({python['implementation']}, GIL {gil})",
        "started_at": started_at,
        "swift_version": "",
    }

    def write_description():
        temporary = os.path.join(out, ".run.json.tmp")
        with open(temporary, "w") as file:
            json.dump(description, file, indent=2, sort_keys=True)
            file.write("\n")
        os.replace(temporary, os.path.join(out, "run.json"))

    def seconds(value):
        return "" if value is None else f"{value:.6f}"

    write_description()
    clock = time.perf_counter()
    position = 0
    rounds = arguments.warmup + arguments.repetitions
    total = sum(rounds * sum(1 for cell in every if cell.unavailable is None) for _, every in plan_cells)
    with open(os.path.join(out, "results.csv"), "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        file.flush()

        def write_row(experiment, cell, **fields):
            """One whole row, by column name: the cell's own columns, then `fields`; a column
            given neither way is empty (not measured). Flushed, so an interrupt keeps it."""
            values = {
                "run_id": run_id, "workload": experiment.workload, "kind": experiment.kind, "params": experiment.params,
                "mode": cell.mode, "workers": cell.workers, "tasks": experiment.tasks, "startup_s": "0.000000",
                "workers_max_rss_kib": 0, "bytes_to_workers": 0, "bytes_from_workers": 0, "pin": "none", "variant": cell.variant, "runtime": runtime, "gil": gil,
                **fields,
            }
            unknown = set(values) - set(COLUMNS)
            if unknown:
                raise ValueError(f"not columns of results.csv: {sorted(unknown)}")
            writer.writerow([values.get(column, "") for column in COLUMNS])
            file.flush()

        for experiment, every in plan_cells:
            # downloads: the lab's image server for the whole experiment, and room for its sockets.
            server, downloads = None, None
            if experiment.workload == "download":
                server = ImageServer(arguments.lab, experiment.settings)
                experiment.settings = {**experiment.settings, "port": server.port}
                downloads = peer_tasks.DownloadChecksums()
            try:
                chunksize = chunk_size(arguments.chunksize, experiment.tasks, arguments.workers)
                schedule = [(r, True) for r in range(1, arguments.warmup + 1)] + [(r, False) for r in range(1, arguments.repetitions + 1)]
                for repetition, warmup in schedule:
                    for cell in every:
                        if cell.unavailable is not None:
                            # A cell this interpreter cannot run is one row that says why, in its place.
                            if not warmup and repetition == 1:
                                write_row(
                                    experiment, cell, repetition=1, wall_s="0.000000", tasks_per_s="0.000", status="unavailable",
                                    error=cell.unavailable, coordinator_user_s="0.000000", coordinator_sys_s="0.000000",
                                    workers_max_rss_kib="", coordinator_voluntary_ctx=0, coordinator_involuntary_ctx=0,
                                    start_s="0.000000", position=0)
                            continue
                        position += 1
                        if not arguments.quiet:
                            sys.stderr.write(f"python-peer: [{position}/{total}] {experiment.name} {cell.label} "
                                             f"{'warm-up' if warmup else 'repetition'} {repetition}\n")
                        start = time.perf_counter() - clock
                        result = measure(experiment, cell, chunksize, downloads)
                        if warmup:
                            continue
                        write_row(
                            experiment, cell, repetition=repetition, wall_s=f"{result['wall_s']:.6f}",
                            tasks_per_s=f"{result['completed'] / result['wall_s']:.3f}", checksum=result["checksum"],
                            status=result["status"], error=result["error"], coordinator_user_s=seconds(result["coordinator_user_s"]),
                            coordinator_sys_s=seconds(result["coordinator_sys_s"]),
                            workers_user_s=seconds(result["workers_user_s"]), workers_sys_s=seconds(result["workers_sys_s"]),
                            coordinator_max_rss_kib=result["coordinator_max_rss_kib"],
                            coordinator_voluntary_ctx=result["coordinator_voluntary_ctx"],
                            coordinator_involuntary_ctx=result["coordinator_involuntary_ctx"],
                            workers_voluntary_ctx=result["workers_voluntary_ctx"],
                            workers_involuntary_ctx=result["workers_involuntary_ctx"], start_s=f"{start:.6f}",
                            position=position, transport="pipe" if cell.mode == "processes" else "",
                            coordinator_peak_threads=result["coordinator_peak_threads"] or "")
            finally:
                if server is not None:
                    server.stop()
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
