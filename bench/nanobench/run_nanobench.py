#!/usr/bin/env python3
"""Run the nanobenchmark guest under bt86, QEMU TCG and KVM; print one table.

The guest (bench/nanobench/nanobench.elf) measures, in TSC ticks per operation,
the classic nanobenchmarks of Adams & Agesen (ASPLOS 2006): system calls,
port I/O, CR3 writes, call/ret, indirect jumps, page faults, divide by zero,
PTE writes, CLI/STI and PUSHF/POPF. Each runner runs it --runs times, the
runners interleaved round-robin; the table shows the median of the per-run
medians next to the 2006 figures, the host's own user-mode costs
(host_costs), and a second table of host costs that bound a user-space
monitor (signal round trips, mmap).

A runner that stops (unsupported instruction, internal error, guest fault,
timeout) keeps the rows it printed; the guest is then rerun with
skip=<the unit it stopped in> so that the rows after it are still measured,
and the rows it could not run are marked "not run" with the reason.

Usage:
    run_nanobench.py [--build-dir DIR] [--bt86 PATH] [--qemu PATH | --no-qemu]
                     [--kvm auto|on|off] [--runs N] [--timeout S] [--markdown]
"""

import argparse
import datetime
import fcntl
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST_PASS_STATUS = (0x10 << 1) | 1  # guests/lib GUEST_EXIT_PASS through isa-debug-exit
GUEST_FAIL_STATUS = (0x11 << 1) | 1  # GUEST_EXIT_FAIL: the guest took an unexpected exception

SOURCE_2006 = ("Adams & Agesen, A Comparison of Software and Hardware Techniques for x86 "
               "Virtualization, ASPLOS 2006, Figure 4")

# (row, label, native 2006, software VMM 2006, hardware VMM 2006), in table order.
ROWS = [
    ("syscall_int80", "syscall (int 0x80 / iret)", None, None, None),
    ("syscall_sysenter", "syscall (sysenter / sysexit)", None, None, None),
    ("in", "in (port 0x3ff)", "3,209", "≈210", "15,826"),
    ("out", "out (port 0x3ff)", None, None, None),
    ("cr3_write", "cr3 write (same value)", None, None, None),
    ("cr3_touch8", "cr3 write + read 8 pages", None, None, None),
    ("call_ret", "call/ret", "11", "51", "11"),
    ("jmp_indirect", "indirect jmp", None, None, None),
    ("page_fault", "page fault (map, iret, unmap)", "1,093", "3,927", "11,242"),
    ("divzero", "divide by zero (#DE)", "889", "3,223", "1,014"),
    ("pte_write", "PTE write (live table)", "≈1", "391", "12,733"),
    ("cli_sti", "cli/sti pair", None, None, None),
    ("pushf_popf", "pushf/popf pair", None, None, None),
]
ROW_NAMES = [r[0] for r in ROWS]

# Setup units of the guest and the rows that cannot run without them.
UNIT_ROWS = {
    "paging": ["cr3_write", "cr3_touch8", "pte_write", "page_fault"],
    "ring3": ["syscall_int80", "syscall_sysenter"],
}

# Host user-mode column: guest row -> host_costs measurement.
HOST_USER = {"call_ret": "call_ret", "jmp_indirect": "jmp_indirect",
             "pushf_popf": "pushf_popf", "divzero": "sigfpe_skip"}

HOST_COSTS = [
    ("getppid", "system call round trip (getppid)"),
    ("raise", "raise(SIGUSR1), empty handler"),
    ("tgkill", "tgkill(self, SIGUSR1), empty handler"),
    ("sigsegv_skip", "SIGSEGV on a PROT_NONE page, handler skips the load"),
    ("sigfpe_skip", "SIGFPE (div by 0), handler skips the div"),
    ("sigsegv_mprotect", "SIGSEGV, handler mprotects RW; then mprotect NONE"),
    ("sigsegv_mmap", "SIGSEGV, handler mmaps a memfd page; then mmap PROT_NONE over it"),
    ("mprotect", "mprotect of one page"),
    ("mmap_munmap", "mmap + munmap of one anonymous page"),
    ("mmap_fixed", "mmap MAP_FIXED of a memfd page over a mapped page"),
]

# stderr lines that mean the VM is dead even though the process lives on (QEMU keeps
# running after a KVM emulation failure): the runner is killed at once.
FATAL_STDERR = re.compile(r"KVM internal error|emulation failure")
NOISE_STDERR = re.compile(r"warning:|terminating on signal|^\s*$")

RESULT_RE = re.compile(r"^nb (\S+) (-?[0-9]+(?:\.[0-9]+)?)(?:\s|$)(.*)")
SKIP_RE = re.compile(r"^nb (\S+) skip (\S+)")
BEGIN_RE = re.compile(r"^nb-begin (\S+)")
OK_RE = re.compile(r"^nb-ok (\S+)")
ERROR_RE = re.compile(r"^nb-error (.*)$")

# Skip reasons the guest prints for rows skipped because of our own skip= list.
OWN_SKIPS = {"requested", "paging-skipped", "ring3-skipped"}


# ---------------------------------------------------------------------------
# Runners.

def qemu_cmd(qemu, accel, elf, append):
    return [qemu, "-accel", accel, "-kernel", elf, "-append", append, "-serial", "stdio",
            "-display", "none", "-monitor", "none", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "128"]


def bt86_cmd(bt86, elf, append):
    return [bt86, "-kernel", elf, "-append", append, "-serial", "stdio", "-m", "128"]


def kvm_backend():
    for mod in ("kvm_intel", "kvm_amd", "kvm_pvm"):
        if os.path.isdir(f"/sys/module/{mod}"):
            return mod
    return None


def kvm_status(mode):
    """Returns (usable, note). usable: run the KVM column; note: why not, or what it is."""
    if mode == "off":
        return False, "n/a (--kvm off)"
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError as e:
        return False, f"n/a (/dev/kvm: {e.strerror})"
    try:
        if fcntl.ioctl(fd, 0xAE00, 0) != 12:          # KVM_GET_API_VERSION
            return False, "n/a (/dev/kvm: unexpected API version)"
        vm = fcntl.ioctl(fd, 0xAE01, 0)               # KVM_CREATE_VM
        os.close(vm)
    except OSError as e:
        return False, f"n/a (KVM_CREATE_VM: {e.strerror})"
    finally:
        os.close(fd)
    backend = kvm_backend()
    if backend == "kvm_pvm" and mode == "auto":
        return False, ("n/a (this host's KVM is kvm_pvm, a software backend for hosts without "
                       "VT-x/AMD-V: it emulates this paging-off guest instruction by instruction "
                       "and fails on IRET; --kvm on runs it anyway)")
    return True, f"KVM backend {backend or 'unknown'}"


class Runner:
    def __init__(self, key, title, make_cmd):
        self.key = key
        self.title = title
        self.make_cmd = make_cmd      # append string -> argv
        self.skip = []                # units learned to stop this runner, in order
        self.stops = {}               # unit -> reason it stopped there
        self.fatal = None             # a stop before any unit (nothing measured)
        self.values = {}              # row -> [ticks per op, one per run]
        self.skips = {}               # row -> guest's own skip reason (e.g. cpuid-no-sep)
        self.bad = set()              # rows whose exception count did not match (check=bad)
        self.runs_ok = 0
        self.wall = []


def stop_reason(status, out, err, timed_out, timeout):
    for line in out.splitlines():
        m = ERROR_RE.match(line)
        if m:
            return "guest: " + m.group(1)
    if timed_out:
        return f"timed out after {timeout:g} s"
    lines = [l.strip() for l in err.splitlines() if not NOISE_STDERR.search(l)]
    reason = lines[0] if lines else ""
    if "emulation failure" in err and "emulation failure" not in reason:
        reason += " (emulation failure)"
    if not reason:
        reason = "no message"
    return f"exit status {status}: {reason}"[:300]


def run_once(cmd, timeout):
    """Runs cmd; returns (status, stdout, stderr, timed_out, wall seconds)."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe)
        timed_out = False
        while True:
            try:
                proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            fe.seek(0)
            if FATAL_STDERR.search(fe.read().decode("utf-8", "replace")):
                time.sleep(0.3)           # let the message finish
                proc.kill()
                proc.wait()
                break
            if time.perf_counter() - start > timeout:
                timed_out = True
                proc.kill()
                proc.wait()
                break
        wall = time.perf_counter() - start
        fo.seek(0)
        fe.seek(0)
        out = fo.read().decode("utf-8", "replace").replace("\r", "")
        err = fe.read().decode("utf-8", "replace").replace("\r", "")
    return proc.returncode, out, err, timed_out, wall


def parse(out):
    """Returns (results {row: value}, skips {row: reason}, unfinished unit or None, done,
    rows that failed their check)."""
    results, skips, bad = {}, {}, set()
    open_unit = None
    done = False
    for line in out.splitlines():
        m = BEGIN_RE.match(line)
        if m:
            open_unit = m.group(1)
            continue
        m = OK_RE.match(line)
        if m:
            if m.group(1) == open_unit:
                open_unit = None
            continue
        m = SKIP_RE.match(line)
        if m:
            skips[m.group(1)] = m.group(2)
            continue
        m = RESULT_RE.match(line)
        if m:
            results[m.group(1)] = float(m.group(2))
            if "check=bad" in m.group(3):
                bad.add(m.group(1))
            if m.group(1) == open_unit:
                open_unit = None
            continue
        if line.startswith("nb-done"):
            done = True
    return results, skips, open_unit, done, bad


def run_runner(r, guest_args, timeout, log):
    """One run of runner r: reruns with a growing skip list until the guest completes."""
    while True:
        append = " ".join(guest_args + ([f"skip={','.join(r.skip)}"] if r.skip else []))
        cmd = r.make_cmd(append)
        status, out, err, timed_out, wall = run_once(cmd, timeout)
        results, skips, unit, done, bad = parse(out)
        r.bad |= bad
        for row, v in results.items():
            r.values.setdefault(row, []).append(v)
        for row, why in skips.items():
            if why not in OWN_SKIPS:
                r.skips[row] = why
        if status == GUEST_PASS_STATUS and done and not timed_out:
            r.runs_ok += 1
            r.wall.append(wall)
            log(f"  {r.key}: {wall:.2f} s, {len(results)} row(s)")
            return
        reason = stop_reason(status, out, err, timed_out, timeout)
        if unit is None or unit in r.skip:
            # Stopped outside any unit (before the first, or after the last): nothing to skip.
            r.fatal = reason
            log(f"  {r.key}: stopped outside any row or setup step: {reason}")
            return
        r.skip.append(unit)
        r.stops[unit] = reason
        log(f"  {r.key}: stopped in '{unit}' after {wall:.2f} s: {reason}; rerunning with it "
            "skipped")


# ---------------------------------------------------------------------------
# Host costs.

HOST_RE = re.compile(r"^host (\S+) cycles=([0-9.]+) ns=([0-9.]+)")
MHZ_RE = re.compile(r"^host tsc_mhz=([0-9.]+)")


def run_host_costs(path, timeout, host, log):
    try:
        proc = subprocess.run([path, "--reps", "5", "--ms", "10"], capture_output=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        log(f"  host_costs: timed out after {timeout:g} s")
        return
    if proc.returncode != 0:
        log(f"  host_costs: exit status {proc.returncode}: "
            + proc.stderr.decode("utf-8", "replace").strip())
        return
    for line in proc.stdout.decode().splitlines():
        m = HOST_RE.match(line)
        if m:
            host.setdefault(m.group(1), []).append((float(m.group(2)), float(m.group(3))))
        m = MHZ_RE.match(line)
        if m:
            host.setdefault("tsc_mhz", []).append((float(m.group(1)), 0.0))
    log("  host_costs: done")


# ---------------------------------------------------------------------------
# Formatting.

def fmt_ticks(v):
    if v is None:
        return "—"
    if abs(v) < 10:
        return f"{v:.1f}"
    return f"{v:,.0f}"


def cell(r, row):
    if r is None:
        return None
    if row in r.values:
        return fmt_ticks(statistics.median(r.values[row])) + (" (!)" if row in r.bad else "")
    if row in r.skips:
        return {"cpuid-no-sep": "no SEP"}.get(r.skips[row], f"skipped ({r.skips[row]})")
    return "not run"


def not_run_notes(r):
    """One line per reason why rows of runner r were not run."""
    notes = []
    for unit in r.skip:
        rows = UNIT_ROWS.get(unit, [unit])
        rows = [row for row in rows if row not in r.values]
        what = "setup step" if unit in UNIT_ROWS else "row"
        labels = ", ".join(label for name, label, *_ in ROWS if name in rows)
        notes.append(f"{r.title}: stopped in {what} `{unit}`: {r.stops[unit]}"
                     + (f" — not run: {labels}" if labels else ""))
    if r.fatal:
        rest = [label for name, label, *_ in ROWS if name not in r.values and name not in r.skips]
        notes.append(f"{r.title}: stopped: {r.fatal}"
                     + (f" — not run: {', '.join(rest)}" if rest else ""))
    for row in sorted(r.bad):
        notes.append(f"{r.title}: {row} (!): in at least one run the guest's handler did not "
                     "take exactly one exception per iteration, so the figure is not that of "
                     "the operation")
    for row, why in r.skips.items():
        label = next(l for n, l, *_ in ROWS if n == row) if row in ROW_NAMES else row
        if why == "cpuid-no-sep":
            notes.append(f"{r.title}: {label}: CPUID does not report SEP, so the guest "
                         "does not use SYSENTER")
    return notes


def render(rows, header, markdown, left=(0,)):
    if markdown:
        out = ["| " + " | ".join(header) + " |",
               "|" + "|".join("---" if i in left else "---:" for i in range(len(header))) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) if i in left else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip()
                     for r in [header] + rows)


def tool_version(path):
    try:
        out = subprocess.run([path, "--version"], capture_output=True, timeout=10).stdout
        return out.decode().splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


def qemu_version(qemu):
    return tool_version(qemu).replace("QEMU emulator version ", "")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", "build"),
                    help="CMake build directory holding bench/nanobench/ (default: ../../build)")
    ap.add_argument("--guest", help="guest ELF (default: BUILD/bench/nanobench/nanobench.elf)")
    ap.add_argument("--host-costs", help="host_costs program (default: BUILD/bench/nanobench/"
                                         "host_costs)")
    ap.add_argument("--bt86", metavar="PATH", help="bt86 executable (no bt86 column without it)")
    ap.add_argument("--qemu", metavar="PATH", default=shutil.which("qemu-system-i386"),
                    help="qemu-system-i386 (default: from PATH)")
    ap.add_argument("--no-qemu", action="store_true", help="skip QEMU (TCG and KVM)")
    ap.add_argument("--kvm", choices=["auto", "on", "off"], default="auto",
                    help="auto: run -accel kvm if /dev/kvm works and is a hardware backend "
                         "(default); on: also on kvm_pvm; off: never")
    ap.add_argument("--no-host", action="store_true", help="skip host_costs")
    ap.add_argument("--runs", type=int, default=5, help="runs per runner (default 5)")
    ap.add_argument("--reps", type=int, default=7,
                    help="repetitions per row inside the guest, median taken (default 7)")
    ap.add_argument("--target", type=int, default=4000000,
                    help="TSC ticks one guest measurement should take (default 4000000)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per guest run")
    ap.add_argument("--markdown", action="store_true", help="print Markdown for bench/RESULTS.md")
    args = ap.parse_args()

    bdir = os.path.join(args.build_dir, "bench", "nanobench")
    guest = args.guest or os.path.join(bdir, "nanobench.elf")
    host_costs = args.host_costs or os.path.join(bdir, "host_costs")
    if not os.path.exists(guest):
        ap.error(f"{guest} does not exist (build the bench_nanobench target first)")
    if not args.no_host and not os.path.exists(host_costs):
        ap.error(f"{host_costs} does not exist (build the bench_nanobench target first)")
    if args.bt86 and not os.access(args.bt86, os.X_OK):
        ap.error(f"{args.bt86} is not executable")
    guest_args = [f"reps={args.reps}", f"target={args.target}"]

    bt86 = tcg = kvm = None
    if args.bt86:
        bt86 = Runner("bt86", "bt86", lambda a: bt86_cmd(args.bt86, guest, a))
    kvm_note = "n/a (no QEMU)"
    if args.qemu and not args.no_qemu:
        tcg = Runner("tcg", "QEMU TCG", lambda a: qemu_cmd(args.qemu, "tcg", guest, a))
        usable, kvm_note = kvm_status(args.kvm)
        if usable:
            kvm = Runner("kvm", "KVM", lambda a: qemu_cmd(args.qemu, "kvm", guest, a))
    runners = [r for r in (bt86, tcg, kvm) if r]
    if not runners and args.no_host:
        ap.error("nothing to run")

    log = lambda s: print(s, file=sys.stderr, flush=True)
    host = {}
    # Round-robin: run i of every runner before run i+1 of any, so that a change in the
    # shared machine's load falls on all runners alike.
    for i in range(args.runs):
        log(f"run {i + 1}/{args.runs}")
        for r in runners:
            if r.fatal:
                continue                      # it stopped before measuring anything new
            run_runner(r, guest_args, args.timeout, log)
        if not args.no_host:
            run_host_costs(host_costs, args.timeout, host, log)

    host_med = {k: (statistics.median(c for c, _ in v), statistics.median(n for _, n in v))
                for k, v in host.items()}
    mhz = host_med.get("tsc_mhz", (None, None))[0]

    def hcell(row):
        k = HOST_USER.get(row)
        return fmt_ticks(host_med[k][0]) if k and k in host_med else "—"

    header = ["row", "native 2006", "software VMM 2006", "hardware VMM 2006",
              "bt86", "QEMU TCG", "KVM", "host user mode"]
    kvm_absent = "n/a"
    table = []
    for name, label, n06, s06, h06 in ROWS:
        table.append([label, n06 or "—", s06 or "—", h06 or "—",
                      cell(bt86, name) or "n/a", cell(tcg, name) or "n/a",
                      cell(kvm, name) or kvm_absent, hcell(name)])

    md = args.markdown
    p = print
    if md:
        p("### Nanobenchmarks (Adams & Agesen 2006 rows)\n")
        p("Command:\n")
        cmdline = "python3 bench/nanobench/run_nanobench.py " + " ".join(
            a for a in sys.argv[1:] if a != "--markdown")
        p(f"    {cmdline.strip()}\n")
        p("| field | value |\n|---|---|")
        p(f"| date | {datetime.date.today().isoformat()} |")
        p(f"| host | {os.cpu_count()} CPUs, {cpu_model()}, Linux {platform.release()} |")
        if mhz:
            p(f"| TSC | {mhz:,.0f} MHz |")
        if args.bt86:
            p(f"| bt86 | {tool_version(args.bt86)} |")
        if args.qemu and not args.no_qemu:
            p(f"| QEMU | {qemu_version(args.qemu)} |")
        p(f"| KVM | {kvm_note} |")
        p(f"| runs | {args.runs} per runner, interleaved; guest reps={args.reps}, "
          f"target={args.target} ticks |")
        p("")
    else:
        p(f"nanobenchmarks: TSC ticks per operation, median of {args.runs} run(s) "
          f"(each the median of {args.reps} repetitions inside the guest)"
          + (f"; TSC {mhz:,.0f} MHz" if mhz else ""))
    p(render(table, header, md))
    p("")
    notes = [
        f"2006 columns: cycles on the paper's VT-capable Pentium 4 (native, VMware's software "
        f"VMM, the hardware-assisted VMM on first-generation VT-x); source: {SOURCE_2006}. "
        "— = not in the paper.",
        "bt86 / QEMU TCG / KVM: TSC ticks per operation seen inside the guest, the "
        "empty-loop overhead subtracted. QEMU TCG's RDTSC advances with host time while the "
        "VM runs, so its figures are host time in TSC units, not simulated cycles.",
        "host user mode: the same operation as an x86-64 Linux process on this host at CPL 3 "
        "(host_costs); divide by zero there is a SIGFPE round trip (handler skips the div), "
        "not a guest #DE.",
    ]
    if not md:
        notes.append(f"KVM: {kvm_note}")  # in the field table with --markdown
    for r in runners:
        notes += not_run_notes(r)
    for n in notes:
        p(("- " if md else "  * ") + n)

    if not args.no_host and host_med:
        p("")
        if md:
            p("Host costs (this machine, x86-64 user mode): what a user-space monitor's "
              "building blocks cost.\n")
        else:
            p("host costs (this machine, x86-64 user mode; bounds for a user-space monitor):")
        hrows = [[name, fmt_ticks(host_med[name][0]), f"{host_med[name][1]:,.0f}"
                  if host_med[name][1] >= 10 else f"{host_med[name][1]:.1f}", what]
                 for name, what in HOST_COSTS if name in host_med]
        p(render(hrows, ["cost", "ticks", "ns", "what"], md, left=(0, 3)))

    ok = all(r.values for r in runners)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
