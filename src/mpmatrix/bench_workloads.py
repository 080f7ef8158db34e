"""The workloads ``python -m mpmatrix bench`` times, under one start method, in one interpreter.

``mpmatrix.bench`` runs this module once per start method, in a fresh interpreter
(``python -m mpmatrix.bench_workloads METHOD ...``), so that no method inherits
another's fork server, resource tracker or memory; it prints the samples as JSON.
``first METHOD`` times the first child of a fresh interpreter: the only way to see
the fork server start again.

The workloads use the standard library only; psutil reads the children's memory.
Every process and shared memory segment a workload creates is ended or unlinked
before it returns, whatever happens.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import json
import math
import multiprocessing
import os
import subprocess
import sys
import time
from multiprocessing import shared_memory

import psutil

PAYLOAD_BYTES = 10_000_000
BALLAST_BYTES = 200_000_000
MIB = 1024 * 1024
INCREMENT_WINDOW = 0.2  # seconds each sample of the increment rate lasts
JOIN_TIMEOUT = 60.0  # a child that has not ended by then is broken: fail, do not wait forever
SEGMENT_PREFIX = 'mpmbench'  # shared memory names: mpmbench_<pid>_<n>, to find leftovers


class WorkloadError(Exception):
    """A workload did not do what it measures (wrong data back, a child that failed)."""


# --- What runs in the children -----------------------------------------------------------------

def noop():
    pass


def echo(inbox, outbox):
    """Send back what arrives until None (a Queue pair, a Manager's queues)."""
    for item in iter(inbox.get, None):
        outbox.put(item)


def echo_pipe(conn):
    for item in iter(conn.recv, None):
        conn.send(item)
    conn.close()


def echo_shared_memory(conn, there_name, back_name):
    """Copy each message out of one segment into the other; the pipe says how many bytes."""
    there = shared_memory.SharedMemory(there_name)
    back = shared_memory.SharedMemory(back_name)
    try:
        for size in iter(conn.recv, None):
            data = bytes(there.buf[:size])
            back.buf[:size] = data
            conn.send(size)
    finally:
        there.close()
        back.close()
        conn.close()


def hold(ready, release):
    ready.set()
    release.wait(JOIN_TIMEOUT)


def increment(counter, ready, go, stop):
    ready.release()
    go.wait(JOIN_TIMEOUT)
    while not stop.is_set():
        for _ in range(500):
            with counter.get_lock():
                counter.value += 1


# --- The parent's side -------------------------------------------------------------------------

def _started(process):
    process.start()
    return process


@contextlib.contextmanager
def _children(*processes):
    """Start ``processes``; whatever happens, none is left running on the way out."""
    try:
        yield [_started(process) for process in processes]
    finally:
        for process in processes:
            if process.pid is None:
                continue
            process.join(JOIN_TIMEOUT)
            if process.is_alive():
                process.kill()
                process.join()
                raise WorkloadError(f'a child of the benchmark did not end within {JOIN_TIMEOUT} s')
            if process.exitcode != 0:
                raise WorkloadError(f'a child of the benchmark exited with code {process.exitcode}')


@dataclasses.dataclass(frozen=True)
class Plan:
    """How often to run a workload: ``warmup`` untimed runs, then up to ``repeats`` timed ones,
    fewer if ``deadline`` (``time.monotonic()``) passes; at least one timed run."""

    warmup: int
    repeats: int
    deadline: float = math.inf

    def runs(self):
        """For each run in turn: whether it is timed."""
        for index in range(self.warmup + self.repeats):
            if index > self.warmup and time.monotonic() >= self.deadline:
                return
            yield index >= self.warmup


def _timed(function, plan: Plan) -> list:
    """Milliseconds each timed call of ``function`` took."""
    samples = []
    for timed in plan.runs():
        started = time.perf_counter()
        function()
        elapsed = (time.perf_counter() - started) * 1000
        if timed:
            samples.append(elapsed)
    return samples


def start_first(method, plan) -> list:
    """A fresh interpreter's first child (with the fork server's start-up, under forkserver)."""
    def once():
        done = subprocess.run([sys.executable, '-m', 'mpmatrix.bench_workloads', 'first', method],
                              stdout=subprocess.PIPE, timeout=JOIN_TIMEOUT, check=True)
        return float(done.stdout)

    samples = []
    for timed in plan.runs():
        value = once()
        if timed:
            samples.append(value)
    return samples


def first_child(method) -> float:
    context = multiprocessing.get_context(method)
    started = time.perf_counter()
    process = context.Process(target=noop)
    process.start()
    process.join()
    return (time.perf_counter() - started) * 1000


def start_next(method, plan) -> list:
    context = multiprocessing.get_context(method)

    def once():
        with _children(context.Process(target=noop)):
            pass

    once()  # the first child, not one of the next
    return _timed(once, plan)


def pool_first_result(method, plan) -> list:
    context = multiprocessing.get_context(method)
    samples = []
    for timed in plan.runs():
        started = time.perf_counter()
        pool = context.Pool(4)
        try:
            pool.apply(noop)
            elapsed = (time.perf_counter() - started) * 1000
            pool.close()
        finally:
            pool.terminate()
            pool.join()
        if timed:
            samples.append(elapsed)
    return samples


def _payload() -> bytes:
    return bytes(range(256)) * (PAYLOAD_BYTES // 256) + bytes(PAYLOAD_BYTES % 256)


def _round_trips(send, receive, plan: Plan) -> list:
    payload = _payload()
    samples = []
    for timed in plan.runs():
        started = time.perf_counter()
        send(payload)
        back = receive()
        elapsed = (time.perf_counter() - started) * 1000
        if back != payload:
            raise WorkloadError('the payload came back changed')
        if timed:
            samples.append(elapsed)
    return samples


def transfer_queue(method, plan) -> list:
    context = multiprocessing.get_context(method)
    there, back = context.Queue(), context.Queue()
    try:
        with _children(context.Process(target=echo, args=(there, back))):
            try:
                return _round_trips(there.put, back.get, plan)
            finally:
                there.put(None)
    finally:
        for queue in (there, back):
            queue.close()
            queue.join_thread()


def transfer_pipe(method, plan) -> list:
    context = multiprocessing.get_context(method)
    ours, theirs = context.Pipe()
    try:
        with _children(context.Process(target=echo_pipe, args=(theirs,))):
            theirs.close()
            try:
                return _round_trips(ours.send, ours.recv, plan)
            finally:
                ours.send(None)
    finally:
        ours.close()
        theirs.close()


def transfer_shared_memory(method, plan) -> list:
    """Parent writes a segment, the child copies it into a second one, the parent reads that."""
    context = multiprocessing.get_context(method)
    segments = []
    ours, theirs = context.Pipe()
    try:
        for number in range(2):
            segments.append(shared_memory.SharedMemory(
                f'{SEGMENT_PREFIX}_{os.getpid()}_{number}', create=True, size=PAYLOAD_BYTES))
        there, back = segments

        def send(payload):
            there.buf[:len(payload)] = payload
            ours.send(len(payload))

        def receive():
            return bytes(back.buf[:ours.recv()])

        child = context.Process(target=echo_shared_memory, args=(theirs, there.name, back.name))
        with _children(child):
            theirs.close()
            try:
                return _round_trips(send, receive, plan)
            finally:
                ours.send(None)
    finally:
        ours.close()
        theirs.close()
        for segment in segments:
            segment.close()
            segment.unlink()


def transfer_manager(method, plan) -> list:
    context = multiprocessing.get_context(method)
    with context.Manager() as manager:
        there, back = manager.Queue(), manager.Queue()
        with _children(context.Process(target=echo, args=(there, back))):
            try:
                return _round_trips(there.put, back.get, plan)
            finally:
                there.put(None)


def child_memory(method, plan) -> dict:
    """The child's unique and resident memory (MiB) while the parent holds BALLAST_BYTES it
    has written to (so they are resident, and shared with a forked child)."""
    context = multiprocessing.get_context(method)
    gc.collect()
    ballast = b'\x01' * BALLAST_BYTES
    samples = {'child_memory_unique': [], 'child_memory_resident': []}
    for timed in plan.runs():
        ready, release = context.Event(), context.Event()
        with _children(context.Process(target=hold, args=(ready, release))) as (child,):
            try:
                if not ready.wait(JOIN_TIMEOUT):
                    raise WorkloadError(f'the child did not start within {JOIN_TIMEOUT} s')
                memory = psutil.Process(child.pid).memory_full_info()
            finally:
                release.set()
        if timed:
            samples['child_memory_unique'].append(memory.uss / MIB)
            samples['child_memory_resident'].append(memory.rss / MIB)
    del ballast
    return samples


def locked_increments(method, plan) -> list:
    """Increments per second of a lock-protected Value by two processes at once."""
    context = multiprocessing.get_context(method)
    counter = context.Value('q', 0)
    ready, go, stop = context.Semaphore(0), context.Event(), context.Event()
    workers = [context.Process(target=increment, args=(counter, ready, go, stop)) for _ in range(2)]
    samples = []
    with _children(*workers):
        try:
            for _ in workers:
                if not ready.acquire(timeout=JOIN_TIMEOUT):
                    raise WorkloadError(f'the children did not start within {JOIN_TIMEOUT} s')
            go.set()
            for timed in plan.runs():
                with counter.get_lock():
                    before, started = counter.value, time.perf_counter()
                time.sleep(INCREMENT_WINDOW)
                with counter.get_lock():
                    after, ended = counter.value, time.perf_counter()
                if timed:
                    samples.append((after - before) / (ended - started))
        finally:
            go.set()
            stop.set()
    return samples


# Name -> function(method, plan) -> the samples of the figure of the same name, or
# {figure: samples} when one run gives several figures. mpmatrix.bench describes the figures.
# child_memory runs early, before the transfers leave garbage in the parent's heap (PyPy keeps it
# resident, and a forked child maps all of it).
WORKLOADS = {function.__name__: function for function in (
    start_first, start_next, child_memory, pool_first_result, transfer_queue, transfer_pipe,
    transfer_shared_memory, transfer_manager, locked_increments)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m mpmatrix.bench_workloads')
    parser.add_argument('start_method', help="a start method, or 'first' then a start method")
    parser.add_argument('first_method', nargs='?', help=argparse.SUPPRESS)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--workload', action='append', choices=WORKLOADS)
    parser.add_argument('--budget', type=float, default=math.inf,
                        help='seconds for all the workloads: each repeats less if its share runs out')
    args = parser.parse_args(argv)
    if args.start_method == 'first':
        print(first_child(args.first_method))
        return 0
    names = args.workload or list(WORKLOADS)
    end = time.monotonic() + args.budget
    samples = {}
    for index, name in enumerate(names):
        # What the workloads before this one left unspent goes to those after it.
        share = (end - time.monotonic()) / (len(names) - index)
        plan = Plan(args.warmup, args.repeats, time.monotonic() + share)
        result = WORKLOADS[name](args.start_method, plan)
        samples.update(result if isinstance(result, dict) else {name: result})
    print(json.dumps(samples))
    return 0


if __name__ == '__main__':
    sys.exit(main())
