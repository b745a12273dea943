"""A job worker in a process of its own, for ``test_jobs_exactly_once``.

Run as ``python -m tests.storage.job_worker URL NAME NOW LIMIT`` from the repository
root. It connects, prints ``ready`` and waits for a line on stdin: the start signal,
sent to every worker at once. It makes its first claim, prints ``claimed`` and waits
for a second line, so that every worker is known to have held jobs at the same
time. Then it finishes and claims up to LIMIT due jobs at a time until a claim
comes back empty, and prints one JSON line:
``{"fired": [job ids in claim order], "finished": count}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timedelta

from storage import SqlStore, make_engine


async def work(url: str, name: str, now: datetime, limit: int) -> dict[str, object]:
    """Claim and finish due jobs as worker ``name`` until none is left to claim."""
    store = SqlStore(make_engine(url))
    try:
        # A first query opens the connection, so that no worker starts late for that.
        await store.next_due()
        print("ready", flush=True)
        sys.stdin.readline()
        lease_until = now + timedelta(hours=1)
        jobs = await store.claim_jobs(name, now, lease_until, limit)
        print("claimed", flush=True)
        sys.stdin.readline()
        fired: list[int] = []
        finished = 0
        while jobs:
            fired.extend(job.id for job in jobs)
            finished += await store.finish_jobs([(job.id, ()) for job in jobs], name, now)
            jobs = await store.claim_jobs(name, now, lease_until, limit)
        return {"fired": fired, "finished": finished}
    finally:
        await store.close()


def main(argv: list[str]) -> None:
    """Parse the arguments, run the worker and print what it fired."""
    url, name, now, limit = argv
    result = asyncio.run(work(url, name, datetime.fromisoformat(now), int(limit)))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
