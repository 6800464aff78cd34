#!/usr/bin/env python3
"""The Linux guest benchmark: bt86 beside QEMU's TCG (and KVM where it works) and native.

    python3 bench/linux/linux_bench.py [--runs 3] [--bt86 build/runtime/bt86]
                                       [--guest-dir build/linux-guest] [--markdown]

Each emulator boots Debian's i386 kernel with the guests/linux initramfs and its `bench`
workload (guests/linux/init.sh): time to the boot marker (host wall clock, from the
emulator's start to the BT86-BOOT-OK line), then SHA-256 and MD5 of a 32 MiB pattern and
2,000 fork+exec, timed by the guest (/proc/uptime, 10 ms resolution). Natively, the same
i386 busybox runs the same commands on this host. Peers run one after another (never in
parallel); every figure is the median of --runs runs.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DRIVE = os.path.join(ROOT, "guests", "linux", "drive_console.py")
RAM = "256"
APPEND = "console=ttyS0 quiet bt86.workload=bench"
METRICS = ["boot", "sha256sum-32MiB", "md5sum-32MiB", "forkexec-2000"]
PERIOD = bytes(range(251))


def guest_run(cmd, workdir, tag, timeout=1800):
    """One boot + bench workload; returns {metric: seconds} or raises with the reason."""
    log = os.path.join(workdir, f"{tag}.log")
    stamps = os.path.join(workdir, f"{tag}.stamps")
    err = os.path.join(workdir, f"{tag}.stderr")
    with open(err, "w") as e:
        r = subprocess.run([sys.executable, DRIVE, "--quiet", "--timeout", str(timeout),
                            "--log", log, "--timestamps", stamps, "--", *cmd],
                           stderr=e, stdout=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RuntimeError(f"failed (status {r.returncode}); see {log} and {err}")
    out = {}
    with open(stamps, errors="replace") as f:
        for line in f:
            if "BT86-BOOT-OK" in line:
                out["boot"] = float(line.split()[0])
                break
    with open(log, errors="replace") as f:
        for m in re.finditer(r"^BENCH (\S+) ([0-9.]+)", f.read().replace("\r", ""), re.M):
            # "boot" is the host's wall clock to the marker; the guest's own uptime at the
            # marker (BENCH boot) leaves out the time before the kernel's clock starts.
            if m.group(1) in METRICS and m.group(1) != "boot":
                out[m.group(1)] = float(m.group(2))
    missing = [k for k in METRICS if k not in out]
    if missing:
        raise RuntimeError(f"no figure for {', '.join(missing)}; see {log}")
    return out


def native_run(busybox, workdir):
    """The bench workload's commands on the host, with the same i386 busybox."""
    data = os.path.join(workdir, "pattern.bin")
    n = 32 << 20
    with open(data, "wb") as f:
        f.write((PERIOD * (n // len(PERIOD) + 1))[:n])
    out = {"boot": None}
    for name, applet in (("sha256sum-32MiB", "sha256sum"), ("md5sum-32MiB", "md5sum")):
        t0 = time.monotonic()
        subprocess.run([busybox, applet, data], check=True, stdout=subprocess.DEVNULL)
        out[name] = time.monotonic() - t0
    bindir = os.path.join(workdir, "bin")
    os.makedirs(bindir, exist_ok=True)
    true = os.path.join(bindir, "true")
    if not os.path.exists(true):
        os.symlink(busybox, true)
    # The guest's loop (init.sh run_forkexec): busybox sh forks and execs /bin/true 2,000 times.
    script = (f"_i=0; while [ $_i -lt 2000 ]; do {true} || exit 1; _i=$((_i + 1)); done")
    t0 = time.monotonic()
    subprocess.run([busybox, "sh", "-c", script], check=True)
    out["forkexec-2000"] = time.monotonic() - t0
    os.remove(data)
    return out


def find_busybox(guest_dir, workdir):
    debs = os.path.join(guest_dir, "debs")
    for name in sorted(os.listdir(debs)) if os.path.isdir(debs) else []:
        if name.startswith("busybox-static") and name.endswith(".deb"):
            dest = os.path.join(workdir, "busybox-deb")
            subprocess.run(["dpkg-deb", "-x", os.path.join(debs, name), dest], check=True)
            return os.path.join(dest, "bin", "busybox")
    raise RuntimeError(f"no busybox-static .deb in {debs}: run scripts/fetch-linux-guest.sh")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v):
    return "n/a" if v is None else f"{v:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bt86", default=os.path.join(ROOT, "build", "runtime", "bt86"))
    ap.add_argument("--qemu", default="qemu-system-i386")
    ap.add_argument("--guest-dir", default=os.path.join(ROOT, "build", "linux-guest"))
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--no-qemu", action="store_true")
    args = ap.parse_args()
    vmlinuz = os.path.join(args.guest_dir, "vmlinuz")
    initrd = os.path.join(args.guest_dir, "initrd.gz")
    if not (os.path.isfile(vmlinuz) and os.path.isfile(initrd)):
        sys.exit(f"linux_bench: {vmlinuz} or {initrd} missing: run scripts/fetch-linux-guest.sh")
    common = ["-m", RAM, "-kernel", vmlinuz, "-initrd", initrd, "-append", APPEND]
    peers = {"bt86": [args.bt86, *common]}
    if not args.no_qemu:
        peers["qemu-tcg"] = [args.qemu, "-accel", "tcg", "-nographic", "-no-reboot", *common]
        peers["qemu-kvm"] = [args.qemu, "-accel", "kvm", "-nographic", "-no-reboot", *common]

    workdir = tempfile.mkdtemp(prefix="bt86-linux-bench-")
    results = {name: [] for name in [*peers, "native"]}
    notes = {}
    busybox = find_busybox(args.guest_dir, workdir)
    for run in range(args.runs):
        for name, cmd in peers.items():
            if name in notes:
                continue
            try:
                # KVM either boots in seconds or not at all (on a host whose /dev/kvm cannot
                # run the guest, QEMU reports an internal error and waits forever).
                limit = 120 if name == "qemu-kvm" else 1800
                results[name].append(guest_run(cmd, workdir, f"{name}-{run}", limit))
                print(f"run {run + 1}: {name}: {results[name][-1]}", file=sys.stderr)
            except RuntimeError as e:
                notes[name] = str(e)
                print(f"run {run + 1}: {name}: {e}", file=sys.stderr)
        results["native"].append(native_run(busybox, workdir))
        print(f"run {run + 1}: native: {results['native'][-1]}", file=sys.stderr)

    med = {name: {k: median([r.get(k) for r in rs]) for k in METRICS}
           for name, rs in results.items()}
    cols = [n for n in [*peers, "native"] if n not in notes]
    targets = {"boot": ("qemu-tcg", 0.5, "at least 2x faster than QEMU TCG"),
               "sha256sum-32MiB": ("native", 1.2, "within 1.2x of native"),
               "forkexec-2000": ("native", 4.0, "within 4x of native")}
    bar = "|" if args.markdown else " "
    header = ["metric (s, median)"] + cols + ["bt86/QEMU TCG", "bt86/native", "target"]
    lines = [bar.join(header)]
    if args.markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for k in METRICS:
        b = med["bt86"][k]
        q = med.get("qemu-tcg", {}).get(k) if "qemu-tcg" in cols else None
        n = med["native"][k]
        row = [k] + [fmt(med[c][k]) for c in cols]
        row.append(f"{b / q:.2f}" if b and q else "n/a")
        row.append(f"{b / n:.2f}" if b and n else "n/a")
        verdict = ""
        if k in targets:
            peer, limit, text = targets[k]
            ref = med.get(peer, {}).get(k) if peer in cols else None
            if b and ref:
                verdict = f"{text}: {'met' if b / ref <= limit else 'missed'}"
            else:
                verdict = f"{text}: n/a"
        row.append(verdict)
        lines.append("| " + " | ".join(row) + " |" if args.markdown else "  ".join(row))
    print("\n".join(lines))
    for name, why in notes.items():
        print(f"\n{name}: n/a: {why}")
    print(f"\nlogs: {workdir}; load average {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
