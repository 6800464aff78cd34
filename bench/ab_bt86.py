#!/usr/bin/env python3
"""A/B of two bt86 binaries on one workload, runs alternating (old, new, old, new, ...).

    python3 bench/ab_bt86.py --old OLD/runtime/bt86 --new build/runtime/bt86 compute --runs 11
    python3 bench/ab_bt86.py --old OLD/runtime/bt86 --new build/runtime/bt86 forkexec --runs 4

compute: the compute guest (BUILD/bench/compute.elf), medians of the cycles each kernel
reports. forkexec: the Linux guest (BUILD/linux-guest) running bt86.workload=forkexec
bt86.n=N, median of the guest-timed seconds. On a shared host, alternating is what makes
the two comparable: both see the same background load.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_compute(binary, build):
    out = subprocess.run([binary, "-kernel", os.path.join(build, "bench", "compute.elf"),
                          "-m", "128"], capture_output=True, text=True, timeout=600).stdout
    found = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+) cycles=(\d+)", out, re.M)}
    if "total" not in found:
        sys.exit(f"ab_bt86: {binary} printed no cycle counts")
    return found


def run_forkexec(binary, build, n):
    guest = os.path.join(build, "linux-guest")
    out = subprocess.run([binary, "-m", "256", "-kernel", os.path.join(guest, "vmlinuz"),
                          "-initrd", os.path.join(guest, "initrd.gz"), "-append",
                          f"console=ttyS0 quiet bt86.workload=forkexec bt86.n={n}", "-nographic"],
                         capture_output=True, text=True, timeout=900).stdout
    m = re.search(r"BT86-END forkexec seconds=([0-9.]+)", out)
    if not m:
        sys.exit(f"ab_bt86: {binary} did not finish the forkexec workload")
    return {f"forkexec-{n} (s)": float(m.group(1))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workload", choices=["compute", "forkexec"])
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--n", type=int, default=1000, help="fork+exec count (forkexec)")
    args = ap.parse_args()
    results = {"old": {}, "new": {}}
    for i in range(args.runs):
        for name in ("old", "new"):
            binary = getattr(args, name)
            r = (run_compute(binary, args.build_dir) if args.workload == "compute"
                 else run_forkexec(binary, args.build_dir, args.n))
            for k, v in r.items():
                results[name].setdefault(k, []).append(v)
            print(f"run {i + 1} {name}: {r}", file=sys.stderr)
    print(f"{'metric':20s} {'old':>12s} {'new':>12s} {'new/old':>8s}  (medians of {args.runs})")
    for k in results["old"]:
        o, n = statistics.median(results["old"][k]), statistics.median(results["new"][k])
        print(f"{k:20s} {o:12.6g} {n:12.6g} {n / o:8.3f}")


if __name__ == "__main__":
    main()
