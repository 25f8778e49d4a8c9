#!/usr/bin/env python3
"""bench/pair.py OUT.json MIN MAX WARMUP A B -- time two `sh -c` commands side by side.

Each round runs A and B once, in random order, so that both see the same load: on a shared
machine, timing all runs of A and then all runs of B (as hyperfine does) lets a neighbour's
build land on one side only, and ratios near 1.0 then mean nothing. Rounds go on until MIN
rounds are done and about six seconds have passed, or MAX rounds. Exit statuses are not
checked here (bench/run.sh checks each command once before timing it).

OUT.json: {"a": {"median": s, "min": s, "times": [...]}, "b": {...}, "ratio": median of the
per-round ratios A / B}.
"""
import json
import random
import statistics
import subprocess
import sys
import time

out, low, high, warmup, a, b = sys.argv[1], *map(int, sys.argv[2:5]), sys.argv[5], sys.argv[6]


def run(command):
    began = time.perf_counter()
    subprocess.run(["sh", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


for _ in range(warmup):
    run(a)
    run(b)
times = {"a": [], "b": []}
began = time.perf_counter()
while len(times["a"]) < high and (len(times["a"]) < low or time.perf_counter() - began < 6):
    for side in random.sample(["a", "b"], 2):
        times[side].append(run(a if side == "a" else b))
result = {side: {"median": statistics.median(t), "min": min(t), "times": t}
          for side, t in times.items()}
result["ratio"] = statistics.median(x / y for x, y in zip(times["a"], times["b"]))
json.dump(result, open(out, "w"))
