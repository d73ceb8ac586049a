"""SAQ enqueues that arrive together go to Redis in one pipeline (issue 16).

After the group commit (domain/webhooks/group_commit.py) the webhooks of one statement all
want their job queued at the same moment; one at a time, each paid a Redis round trip, a
connection checkout and two socket calls in the web process, and a command in Redis. Here
they share one pipeline: each job still goes through SAQ's own enqueue script (the same keys,
the same "a key still queued is not doubled" check), and each caller is answered when Redis
has answered for its job. A lone job goes out at once, through SAQ's ordinary path.

This reaches into RedisQueue's internals (its script and key names), so saq is pinned to one
minor version in pyproject.toml; tests/web/test_job_batches.py dequeues what this wrote
through SAQ's own API, so a change in SAQ's format fails there first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import NoScriptError
from saq.job import Job, Status
from saq.queue.redis import RedisQueue
from saq.utils import now


@dataclass
class _Waiting:
    job: Job
    done: asyncio.Future[Job | None]


@dataclass
class BatchedQueue:
    """`enqueue` as SAQ's (None when the key is still queued), batched; `name` as the queue's.
    At most `in_flight` pipelines run at once; the jobs that arrive meanwhile join the next."""

    queue: RedisQueue
    in_flight: int = 2
    max_batch: int = 500
    _waiting: list[_Waiting] = field(default_factory=list)
    _running: int = 0

    @property
    def name(self) -> str:
        return str(self.queue.name)

    async def enqueue(self, function: str, **kwargs: Any) -> Job | None:
        """Queue `function` with SAQ's job fields and the job's own kwargs, as Queue.enqueue."""
        job = await self._job(function, kwargs)
        done: asyncio.Future[Job | None] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(job, done))
        if self._running < self.in_flight:
            self._running += 1
            asyncio.get_running_loop().create_task(self._drain())
        return await done

    async def _job(self, function: str, kwargs: dict[str, Any]) -> Job:
        """The job exactly as SAQ's Queue.enqueue builds it."""
        fields: dict[str, Any] = {}
        for name, value in kwargs.items():
            if name in Job.__dataclass_fields__:
                fields[name] = value
            else:
                fields.setdefault("kwargs", {})[name] = value
        job = Job(function=function, **fields)
        job.queue = self.queue
        job.queued = now()
        job.status = Status.QUEUED
        await self.queue._before_enqueue(job)
        return job

    async def _drain(self) -> None:
        try:
            await asyncio.sleep(0)  # the jobs queued in this turn of the loop go together
            while self._waiting:
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                await self._send(batch)
        finally:
            self._running -= 1

    async def _send(self, batch: list[_Waiting]) -> None:
        script = self.queue._enqueue_script
        if len(batch) == 1 or script is None:  # the first ever also registers SAQ's script
            await asyncio.gather(*(self._alone(waiting) for waiting in batch))
            return
        queue = self.queue
        try:
            async with queue.redis.pipeline(transaction=False) as pipe:
                for waiting in batch:
                    job = waiting.job
                    keys = (queue._incomplete, job.id, queue._queued, job.abort_id)
                    pipe.execute_command(
                        "EVALSHA", script.sha, len(keys), *keys, queue.serialize(job), job.scheduled
                    )
                answers = await pipe.execute(raise_on_error=False)
        except BaseException as error:  # Redis unreachable, cancelled: every caller hears it
            for waiting in batch:
                _settle(waiting, error=error)
            if not isinstance(error, Exception):
                raise
            return
        retry = []
        for waiting, answer in zip(batch, answers, strict=True):
            if isinstance(answer, NoScriptError):  # Redis restarted: SAQ's path reloads it
                retry.append(waiting)
            elif isinstance(answer, Exception):
                _settle(waiting, error=answer)
            else:
                _settle(waiting, job=waiting.job if answer else None)
        await asyncio.gather(*(self._alone(waiting) for waiting in retry))

    async def _alone(self, waiting: _Waiting) -> None:
        try:
            job = await self.queue._enqueue(waiting.job)
        except Exception as error:
            _settle(waiting, error=error)
        else:
            _settle(waiting, job=job)


def _settle(waiting: _Waiting, job: Job | None = None, error: BaseException | None = None) -> None:
    if waiting.done.done():  # its request was cancelled
        return
    if error is not None:
        waiting.done.set_exception(error)
    else:
        waiting.done.set_result(job)
