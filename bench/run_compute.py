#!/usr/bin/env python3
"""Run the compute benchmark under bt86, QEMU (TCG) and natively; compare.

Each runner executes the same kernels (bench/compute) N times. The script
parses "kernel cycles=N checksum=X" lines, prints a table of median cycles
per kernel and of median wall-clock time per run, with the ratios
bt86/native and qemu/bt86 (qemu/native when bt86 is not given), and fails
loudly if any checksum differs between runs or runners.

Usage:
    run_compute.py [--build-dir DIR] [--bt86 PATH] [--qemu PATH | --no-qemu]
                   [--runs N] [--timeout S]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LINE_RE = re.compile(r"^(\S+) cycles=(\d+) checksum=([0-9a-f]+)\s*$")
GUEST_PASS_STATUS = (0x10 << 1) | 1  # guests/lib GUEST_EXIT_PASS through isa-debug-exit


def guest_cmd(kind, path, elf):
    if kind == "qemu":
        return [path, "-accel", "tcg", "-kernel", elf, "-serial", "stdio",
                "-display", "none", "-monitor", "none", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "128"]
    return [path, "-kernel", elf, "-serial", "stdio", "-m", "128"]


def run_once(name, cmd, want_status, timeout):
    """Returns (wall seconds, {kernel: (cycles, checksum)}) or raises RuntimeError."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{name}: timed out after {timeout:g} s: {' '.join(cmd)}")
    wall = time.perf_counter() - start
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != want_status:
        raise RuntimeError(f"{name}: exit status {proc.returncode}, expected {want_status}\n"
                           f"command: {' '.join(cmd)}\nstdout:\n{out}\nstderr:\n"
                           + proc.stderr.decode("utf-8", "replace"))
    results = {}
    for line in out.replace("\r", "").splitlines():
        m = LINE_RE.match(line)
        if m:
            results[m.group(1)] = (int(m.group(2)), m.group(3))
    if not results:
        raise RuntimeError(f"{name}: no 'kernel cycles=N checksum=X' lines in output:\n{out}")
    return wall, results


def fmt_cycles(v):
    return "-" if v is None else f"{v / 1e6:,.1f}M"


def fmt_ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}x"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(HERE, "..", "build"),
                    help="CMake build directory holding bench/compute.elf and "
                         "bench/compute_native (default: ../build)")
    ap.add_argument("--guest", help="guest ELF (default: BUILD/bench/compute.elf)")
    ap.add_argument("--native", help="native program (default: BUILD/bench/compute_native)")
    ap.add_argument("--bt86", metavar="PATH", help="bt86 executable")
    ap.add_argument("--qemu", metavar="PATH", default=shutil.which("qemu-system-i386"),
                    help="qemu-system-i386 (default: from PATH)")
    ap.add_argument("--no-qemu", action="store_true", help="skip QEMU")
    ap.add_argument("--no-native", action="store_true", help="skip the native run")
    ap.add_argument("--runs", type=int, default=5, help="runs per runner (default 5)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    args = ap.parse_args()

    guest = args.guest or os.path.join(args.build_dir, "bench", "compute.elf")
    native = args.native or os.path.join(args.build_dir, "bench", "compute_native")

    runners = []  # (name, command, expected exit status)
    if args.bt86:
        runners.append(("bt86", guest_cmd("bt86", args.bt86, guest), GUEST_PASS_STATUS))
    if args.qemu and not args.no_qemu:
        runners.append(("qemu", guest_cmd("qemu", args.qemu, guest), GUEST_PASS_STATUS))
    if not args.no_native:
        runners.append(("native", [native], 0))
    if not runners:
        ap.error("nothing to run")
    for path in ([guest] if any(n != "native" for n, _, _ in runners) else []) + \
                ([native] if not args.no_native else []):
        if not os.path.exists(path):
            ap.error(f"{path} does not exist (build the bench_compute target first)")

    walls = {}     # runner -> [seconds]
    cycles = {}    # runner -> kernel -> [cycles]
    checksums = {}  # kernel -> {checksum: [(runner, run index)]}
    kernels = []   # in output order
    try:
        # Round-robin: run i of every runner before run i+1 of any, so that a change in
        # the shared machine's load falls on all runners alike.
        for i in range(args.runs):
            for name, cmd, status in runners:
                wall, results = run_once(name, cmd, status, args.timeout)
                walls.setdefault(name, []).append(wall)
                for kernel, (cyc, sum_) in results.items():
                    if kernel not in kernels:
                        kernels.append(kernel)
                    cycles.setdefault(name, {}).setdefault(kernel, []).append(cyc)
                    checksums.setdefault(kernel, {}).setdefault(sum_, []).append((name, i))
                print(f"  {name} run {i + 1}/{args.runs}: {wall:.3f} s", file=sys.stderr)
    except RuntimeError as e:
        print(f"ERROR: {e}", file=sys.stderr)
        return 2

    names = [n for n, _, _ in runners]
    med = {n: {k: (statistics.median(cycles[n][k]) if k in cycles.get(n, {}) else None)
               for k in kernels} for n in names}
    wall_med = {n: statistics.median(walls[n]) for n in names}

    has = lambda n: n in names
    ratio_cols = []
    if has("bt86") and has("native"):
        ratio_cols.append(("bt86/native", "bt86", "native"))
    if has("qemu") and has("bt86"):
        ratio_cols.append(("qemu/bt86", "qemu", "bt86"))
    if has("qemu") and has("native") and not has("bt86"):
        ratio_cols.append(("qemu/native", "qemu", "native"))

    header = ["kernel"] + [f"{n} cycles" for n in names] + [c[0] for c in ratio_cols]
    rows = []
    for k in kernels:
        rows.append([k] + [fmt_cycles(med[n][k]) for n in names]
                    + [fmt_ratio(med[a][k], med[b][k]) for _, a, b in ratio_cols])
    rows.append(["wall clock"] + [f"{wall_med[n]:.3f} s" for n in names]
                + [fmt_ratio(wall_med[a], wall_med[b]) for _, a, b in ratio_cols])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    print(f"compute benchmark: median of {args.runs} run(s); cycles are RDTSC deltas "
          "as seen by the guest (or native process)")
    for r in [header] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))

    bad = {k: v for k, v in checksums.items() if len(v) > 1}
    missing = [(n, k) for n in names for k in kernels if med[n][k] is None]
    if bad or missing:
        print("\n!!! CHECKSUM MISMATCH — the runners did not compute the same results !!!")
        for k, by_sum in bad.items():
            for s, who in by_sum.items():
                runs = sorted({n for n, _ in who})
                print(f"  {k}: checksum {s} from {', '.join(runs)} ({len(who)} run(s))")
        for n, k in missing:
            print(f"  {k}: no result from {n}")
        return 1
    print("checksums: all runs of all runners agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
