"""The per-process rate-limit counters (`memory://`) count as limits' own MemoryStorage does."""

from __future__ import annotations

import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from api.security import ProcessWindows


def test_process_windows_allow_and_refuse_as_limits_memory_storage_does():
    limit = parse("3 per second")
    ours, theirs = ProcessWindows(), FixedWindowRateLimiter(MemoryStorage())
    ids = ("timeline", "token:abc", "writes")
    for _ in range(2):
        answers = [ours.hit(limit, ids) for _ in range(5)]
        expected = [theirs.hit(limit, *ids) for _ in range(5)]
        assert [a is None for a in answers] == expected == [True, True, True, False, False]
        reset = theirs.get_window_stats(limit, *ids).reset_time
        assert abs(answers[-1] - reset) < 0.1 and answers[-1] > time.time()
        assert ours.hit(limit, ("timeline", "token:other", "writes")) is None  # per client
        time.sleep(1.05)  # the window closes: a new one opens at the next hit


def test_process_windows_forget_closed_windows_when_there_are_many_clients():
    windows = ProcessWindows()
    windows.MAX_KEYS = 10
    limit = parse("1 per second")
    for i in range(10):
        windows.hit(limit, ("timeline", f"addr:{i}", "reads"))
    time.sleep(1.05)
    windows.hit(limit, ("timeline", "addr:new", "reads"))
    assert len(windows.windows) == 1
