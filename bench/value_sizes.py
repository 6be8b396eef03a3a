#!/usr/bin/env python3
"""Sizes of the values the complaints service writes to Redis, read from the
AOF of a bench run, for the EVALSHA ceiling's defaults in scripts/bench.sh.

    BUILD_DIR=build bash scripts/bench.sh --only complaints --keep-run-dir
    python3 bench/value_sizes.py run/bench-*/redis/appendonlydir/*.incr.aof

Prints the median size of the create script's protobuf record (the HSET
that sets "cn") and of the outbox entry's payload (XADD), over the file.
"""
import statistics
import sys


def commands(data):
    """Yields each RESP command of an AOF (a list of byte strings)."""
    i = 0
    while i < len(data):
        end = data.index(b"\r\n", i)
        count, i = int(data[i + 1:end]), end + 2
        args = []
        for _ in range(count):
            end = data.index(b"\r\n", i)
            length, i = int(data[i + 1:end]), end + 2
            args.append(data[i:i + length])
            i += length + 2
        yield args


def main(paths):
    records, payloads = [], []
    for path in paths:
        with open(path, "rb") as f:
            for args in commands(f.read()):
                name = args[0].upper()
                if name == b"HSET" and b":complaint:" in args[1]:
                    fields = dict(zip(args[2::2], args[3::2]))
                    if b"cn" in fields:
                        records.append(len(fields[b"pb"]))
                elif name == b"XADD" and args[1].endswith(b":outbox"):
                    fields = dict(zip(args[3::2], args[4::2]))
                    payloads.append(len(fields.get(b"payload", b"")))
    if not records or not payloads:
        sys.exit("no create writes found: is this the AOF of a bench run?")
    print(f"record  {statistics.median(records):.0f} B (median of {len(records)} creates)")
    print(f"payload {statistics.median(payloads):.0f} B (median of {len(payloads)} outbox entries)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
