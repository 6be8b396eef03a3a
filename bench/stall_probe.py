#!/usr/bin/env python3
"""Machine stall probe for scripts/bench.sh: how long this machine ran nothing
of ours.

Sleeps 1 ms at a time and writes every gap of GAP_MS or more between two
wake-ups as "<unix time at the gap's end> <gap ms>" to OUT, until SIGTERM. A
sleeping process is woken within a few milliseconds even while the load
keeps both cores busy (the kernel favours sleepers), so a gap of hundreds of
milliseconds means no process ran here: the VM's CPUs were held by its host
(steal) or the kernel stalled. A service latency tail that lines up with such
a gap is the machine's, not the service's.

  bench/stall_probe.py OUT [GAP_MS]
"""
import signal
import sys
import time


def main() -> None:
    out = open(sys.argv[1], "w", buffering=1)
    gap_ms = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    running = True

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    last = time.monotonic()
    while running:
        time.sleep(0.001)
        now = time.monotonic()
        gap = (now - last) * 1000.0
        if gap >= gap_ms:
            out.write(f"{time.time():.3f} {gap:.1f}\n")
        last = now


if __name__ == "__main__":
    main()
