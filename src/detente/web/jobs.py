"""Each computation in its own worker process, bounded in time and memory, killed when not wanted.

The web server never analyses a model in its own process: a job is a child process (forked from a
*forkserver* that has detente and numpy already imported, so a job starts in milliseconds) with
an address-space limit (``RLIMIT_AS``) and a CPU-time limit. The server waits for it without
blocking its event loop and kills it when

- its wall-clock time limit passes (the answer is a 422 saying which limit and how to raise it),
- the client that asked disconnects (a synchronous request), or stops polling (a background job),
- the client cancels it (``DELETE /api/jobs/{id}``).

So one heavy model cannot stall other users: the event loop stays free, and at most
``max_jobs`` computations run at once (more get 429).

>>> pool = Pool(timeout=20)
>>> job = pool.start("validate", {"scenario": "name: x", "format": "yaml"})
>>> job.wait_blocking()["ok"]
False
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import os
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..errors import DetenteError

_CTX: Any = None
_CTX_LOCK = threading.Lock()


def _context():
    """The forkserver context (spawn where fork is unavailable), with detente preloaded."""
    global _CTX
    with _CTX_LOCK:
        if _CTX is None:
            methods = mp.get_all_start_methods()
            if "forkserver" in methods:
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(["detente.web._warm"])
            else:  # pragma: no cover - Windows
                ctx = mp.get_context("spawn")
            _CTX = ctx
        return _CTX


class JobRefused(DetenteError):
    """A job that was stopped by a limit (time, memory) or not started (too many running)."""

    def __init__(self, message: str, *, status: int, field: str | None = "request"):
        super().__init__(message, field=field, source="<request>")
        self.status = status


def _default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    raise TypeError(f"not JSON-serialisable: {type(obj).__name__}")


def _worker(conn, name: str, req: dict[str, Any], memory: int, cpu_seconds: int) -> None:  # pragma: no cover
    """The child process: limits, then the task; sends ("ok", json) / ("error", dict) / ("bug", text)."""
    try:
        import resource

        if memory > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if cpu_seconds > 0:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    except (ImportError, ValueError, OSError):
        pass
    from . import tasks

    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 0.1 or done >= total:
            last[0] = now
            try:
                conn.send(("progress", int(done), int(total)))
            except (OSError, ValueError):
                pass

    try:
        result = tasks.TASKS[name](req, progress)
        conn.send(("ok", json.dumps(result, default=_default, allow_nan=False)))
    except DetenteError as exc:
        conn.send(("error", tasks.error_dict(exc)))
    except MemoryError:
        conn.send(("memory", None))
    except RecursionError:
        conn.send(("error", {"error": "the model is nested too deeply to analyse", "field": None,
                             "source": "<request>", "message": "the model is nested too deeply to analyse",
                             "problems": []}))
    except BaseException:
        conn.send(("bug", traceback.format_exc()[-4000:]))
    finally:
        conn.close()


@dataclass
class Job:
    """One computation in a child process."""

    id: str
    name: str
    process: Any
    conn: Any
    timeout: float
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    total: int = 0
    state: str = "running"          # running, done, error, failed, cancelled
    result: str | None = None      # JSON text when done
    error: dict[str, Any] | None = None
    status: int = 200
    last_seen: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def poll(self) -> bool:
        """Read what the child sent; True once the job has finished (any way)."""
        if self.state != "running":
            return True
        try:
            while self.conn.poll():
                msg = self.conn.recv()
                kind = msg[0]
                if kind == "progress":
                    self.done, self.total = msg[1], msg[2]
                    continue
                self._finish(kind, msg[1])
                return True
        except (EOFError, OSError):
            self._finish("died", None)
            return True
        if not self.process.is_alive():
            # The child may have sent its answer just before exiting.
            try:
                if self.conn.poll():
                    return self.poll()
            except (EOFError, OSError):
                pass
            self._finish("died", None)
            return True
        if self.elapsed > self.timeout:
            self.kill()
            self._refuse(f"the computation took longer than the {self.timeout:g} s limit and was stopped; "
                         f"simplify the model or raise the limit (detente serve --timeout SECONDS)", 422)
            return True
        return False

    def _refuse(self, message: str, status: int) -> None:
        self.state, self.status = "failed", status
        self.error = {"error": message, "field": "request", "source": "<request>", "message": message,
                      "problems": [{"field": "request", "error": message}]}

    def _finish(self, kind: str, payload: Any) -> None:
        self.conn.close()
        self.process.join(timeout=1)
        if kind == "ok":
            self.state, self.result, self.status = "done", payload, 200
        elif kind == "error":
            self.state, self.error, self.status = "error", payload, 422
        elif kind == "memory":
            self._refuse("the computation ran out of its memory limit and was stopped; simplify the model or "
                         "raise the limit (detente serve --memory MB)", 422)
        elif kind == "bug":
            msg = ("internal error in detente (a bug, not a problem with your model); please report it to "
                   "detente's issue tracker with the model and this message:\n" + str(payload))
            self.state, self.status = "failed", 500
            self.error = {"error": msg, "field": None, "source": "<server>", "message": msg, "problems": []}
        else:
            code = self.process.exitcode
            if code is not None and code < 0 and -code in (9, 24):   # SIGKILL (memory) or SIGXCPU
                self._refuse("the computation hit its memory or CPU limit and was stopped; simplify the model or "
                             "raise the limits (detente serve --memory MB --timeout SECONDS)", 422)
            elif self.state == "cancelled":
                return
            else:
                self._refuse(f"the computation stopped unexpectedly (exit code {code}); it may have run out of "
                             "memory (detente serve --memory MB)", 422)

    def kill(self) -> None:
        """Stop the child now (SIGKILL) and reap it."""
        try:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(timeout=5)
        except (OSError, ValueError, AssertionError):
            pass
        try:
            self.conn.close()
        except OSError:
            pass

    def cancel(self) -> None:
        if self.state == "running":
            self.kill()
            self.state = "cancelled"
            self._refuse("the computation was cancelled", 422)
            self.state = "cancelled"

    def wait_blocking(self) -> dict[str, Any]:
        """Wait in this thread (tests, scripts): the result, or raise :class:`JobRefused`."""
        while not self.poll():
            time.sleep(0.01)
        if self.result is not None:
            return json.loads(self.result)
        err = self.error or {}
        raise JobRefused(err.get("error") or "failed", status=self.status, field=err.get("field"))


class Pool:
    """Starts and tracks jobs.

    Parameters
    ----------
    timeout : float
        Wall-clock seconds a job may run.
    memory_mb : int
        Address-space limit of each job, in MiB (0: none).
    max_jobs : int
        Jobs that may run at once; more are refused with 429.
    idle : float
        A background job nobody has polled for this many seconds is killed (its client left).
    """

    def __init__(self, *, timeout: float = 60.0, memory_mb: int = 4096, max_jobs: int | None = None,
                 idle: float = 15.0):
        self.timeout = float(timeout)
        self.memory = int(memory_mb) * 1024 * 1024
        self.max_jobs = max_jobs or max(4, 2 * (os.cpu_count() or 2))
        self.idle = idle
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def running(self) -> int:
        return sum(1 for j in self.jobs.values() if j.state == "running")

    def start(self, name: str, req: dict[str, Any]) -> Job:
        """Start task ``name`` on ``req`` in a new child process."""
        with self._lock:
            self.reap()
            if self.running() >= self.max_jobs:
                raise JobRefused(f"{self.max_jobs} computations are already running; try again when one ends",
                                 status=429)
            ctx = _context()
            parent, child = ctx.Pipe(duplex=False)
            cpu = int(self.timeout) + 5 if self.timeout > 0 else 0
            proc = ctx.Process(target=_worker, args=(child, name, req, self.memory, cpu), daemon=True)
            proc.start()
            child.close()
            job = Job(uuid.uuid4().hex, name, proc, parent, self.timeout)
            self.jobs[job.id] = job
            return job

    def reap(self) -> None:
        """Poll every job; kill background jobs nobody asks about; forget old finished ones."""
        now = time.monotonic()
        for jid, job in list(self.jobs.items()):
            job.poll()
            if job.state == "running" and now - job.last_seen > self.idle:
                job.cancel()
            if job.state != "running" and now - job.last_seen > max(self.idle, 60.0):
                self.jobs.pop(jid, None)

    async def wait(self, job: Job, request: Any = None) -> Job:
        """Wait for ``job`` without blocking the event loop; kill it if ``request``'s client leaves."""
        delay = 0.005
        checks = 0
        while not job.poll():
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.05)
            job.last_seen = time.monotonic()
            checks += 1
            if request is not None and checks % 4 == 0 and await request.is_disconnected():
                job.cancel()
                break
        return job

    def shutdown(self) -> None:
        for job in list(self.jobs.values()):
            job.cancel()
        self.jobs.clear()


__all__ = ["Job", "JobRefused", "Pool"]
