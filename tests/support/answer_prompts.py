#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal and answers its prompts, for tests/plugin.rs.

    answer_prompts.py STEPS_JSON CMD [ARG...]

STEPS_JSON is a list of [expected, reply]: wait until the output shows `expected` (since the
previous reply), then type `reply` and Enter. Everything the command wrote to the terminal is
printed on stdout; the exit code is the command's. A prompt that never comes fails after 60 s.
"""
import json
import os
import pty
import select
import sys
import time

steps = json.loads(sys.argv[1])
cmd = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

seen = b""
start = 0


def read_some(timeout):
    global seen
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    seen += data
    return True


for expected, reply in steps:
    deadline = time.time() + 60
    while expected.encode() not in seen[start:]:
        if time.time() > deadline or not read_some(0.2):
            sys.stdout.write(seen.decode(errors="replace"))
            sys.stderr.write(f"answer_prompts.py: no {expected!r} in the output\n")
            sys.exit(99)
    start = seen.index(expected.encode(), start) + len(expected)
    time.sleep(0.05)
    os.write(fd, reply.encode() + b"\r")

while read_some(60):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
