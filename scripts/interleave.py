#!/usr/bin/env python3
"""Runs commands in turn, A B C A B C ..., and prints each one's median wall time.

hyperfine runs one command's batch, then the next one's. On a shared VM the machine's speed
drifts over seconds (the same oathtool run measured 0.98 ms and 1.19 ms a minute apart here),
which a sequential batch takes for a difference between the commands. Taking turns spreads
that drift over all of them, so the ratios hold even where the absolute times move.

Usage: interleave.py RUNS 'cmd one' 'cmd two' ...   (the first command is the one compared)
Each command is split on spaces and started with posix_spawn (no shell), stdout and stderr to
/dev/null. Prints median, 10th percentile, page faults and each median's ratio to the last
command's.
"""
import os
import resource  # noqa: F401  (wait4 returns a struct_rusage)
import shutil
import statistics
import sys
import time


def main() -> None:
    runs = int(sys.argv[1])
    cmds = [c.split() for c in sys.argv[2:]]
    for c in cmds:
        c[0] = shutil.which(c[0]) or c[0]
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    times = [[] for _ in cmds]
    faults = [0 for _ in cmds]

    def once(i: int) -> None:
        start = time.perf_counter_ns()
        pid = os.posix_spawn(cmds[i][0], cmds[i], os.environ, file_actions=actions)
        _, _, usage = os.wait4(pid, 0)
        times[i].append((time.perf_counter_ns() - start) / 1000)
        faults[i] += usage.ru_minflt

    for _ in range(10):  # warm-up
        for i in range(len(cmds)):
            once(i)
    times = [[] for _ in cmds]
    faults = [0 for _ in cmds]
    for _ in range(runs):
        for i in range(len(cmds)):
            once(i)
    base = statistics.median(times[-1])
    for i, c in enumerate(cmds):
        t = sorted(times[i])
        med = statistics.median(t)
        print(
            f"{' '.join(c)[:72]:<72} median {med:7.1f} us  p10 {t[len(t) // 10]:7.1f} us  "
            f"faults {faults[i] / runs:5.1f}  {med / base:.2f}x"
        )


if __name__ == "__main__":
    main()
