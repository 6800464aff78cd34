#!/usr/bin/env python3
"""System tests: boot Debian's i386 kernel with the guests/linux initramfs.

    run_linux_tests.py --guest-dir DIR --bt86 BT86 --work-dir DIR
        the ci workload under bt86, checked against the host's own computation
        (guests/linux/check_output.py), then the interactive shell driven through a
        pseudo-terminal (guests/linux/drive_console.py --interactive)
    run_linux_tests.py --guest-dir DIR --bt86 BT86 --qemu QEMU --work-dir DIR
        the ci workload under both; the outputs that do not depend on the CPU presented
        (hashes, fork+exec, dmesg verdict, workload status) must be equal

DIR holds vmlinuz and initrd.gz from scripts/fetch-linux-guest.sh.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GUESTS = os.path.join(HERE, "..", "..", "guests", "linux")
DRIVE = os.path.join(GUESTS, "drive_console.py")
CHECK = os.path.join(GUESTS, "check_output.py")
RAM = "256"
CI_APPEND = "console=ttyS0 quiet bt86.workload=ci"


def bt86_cmd(args, append):
    # --verify-translations: every block the kernel and busybox make is checked for confinement.
    return [args.bt86, "-m", RAM, "-kernel", args.vmlinuz, "-initrd", args.initrd,
            "-append", append, "--verify-translations"]


def qemu_cmd(args, append):
    return [args.qemu, "-accel", "tcg", "-m", RAM, "-nographic", "-no-reboot",
            "-kernel", args.vmlinuz, "-initrd", args.initrd, "-append", append]


def drive(label, cmd, log, extra=()):
    print(f"--- {label}: {' '.join(cmd)}", flush=True)
    r = subprocess.run([sys.executable, DRIVE, "--quiet", "--timeout", "600", "--log", log,
                        *extra, "--", *cmd])
    if r.returncode != 0:
        print(f"FAIL {label}: the console driver reported failure (status {r.returncode}); "
              f"console log: {log}")
        with open(log, errors="replace") as f:
            print("".join(f.readlines()[-30:]))
    return r.returncode == 0


# Lines whose content must not depend on the emulator.
RESULT_LINES = [r"^SHA256 .*", r"^MD5 .*", r"^FORKEXEC .*", r"^DMESG-(CLEAN|BAD .*)",
                r"^BT86-WORKLOAD-DONE workload=ci status=\w+"]


def results(log):
    with open(log, errors="replace") as f:
        text = f.read().replace("\r", "")
    out = []
    for regex in RESULT_LINES:
        out += [m.group(0).strip() for m in re.finditer(regex, text, re.M)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--guest-dir", required=True)
    ap.add_argument("--bt86", required=True)
    ap.add_argument("--qemu")
    ap.add_argument("--work-dir", required=True)
    args = ap.parse_args()
    args.vmlinuz = os.path.join(args.guest_dir, "vmlinuz")
    args.initrd = os.path.join(args.guest_dir, "initrd.gz")
    for f in (args.vmlinuz, args.initrd):
        if not os.path.isfile(f):
            print(f"FAIL: {f} is missing; scripts/fetch-linux-guest.sh makes it "
                  "(scripts/test.sh runs it before ctest)")
            return 1
    os.makedirs(args.work_dir, exist_ok=True)
    failed = 0

    bt86_log = os.path.join(args.work_dir, "bt86-ci.log")
    if not drive("bt86 ci workload", bt86_cmd(args, CI_APPEND), bt86_log):
        return 1

    if args.qemu:
        qemu_log = os.path.join(args.work_dir, "qemu-ci.log")
        if not drive("qemu ci workload", qemu_cmd(args, CI_APPEND), qemu_log):
            return 1
        ours, theirs = results(bt86_log), results(qemu_log)
        if not theirs:
            print("FAIL: QEMU printed no result lines")
            return 1
        for line in sorted(set(ours) | set(theirs)):
            same = (line in ours) == (line in theirs)
            print(f"{'ok  ' if same else 'FAIL'}  {line}" +
                  ("" if same else f"  (only under {'bt86' if line in ours else 'QEMU'})"))
            failed += not same
        print(f"{'PASS' if not failed else 'FAIL'}: bt86 and QEMU results "
              f"{'agree' if not failed else 'differ'}")
        return 1 if failed else 0

    # bt86's CPU reports RDCL_NO, MDS_NO and TAA_NO (docs/CPU.md): the guest must see it.
    r = subprocess.run([sys.executable, CHECK, bt86_log, "--workload", "ci",
                        "--not-affected", "meltdown,mds,tsx_async_abort"])
    failed += r.returncode != 0
    shell_log = os.path.join(args.work_dir, "bt86-shell.log")
    failed += not drive("bt86 interactive shell", bt86_cmd(args, "console=ttyS0 quiet"),
                        shell_log, ["--interactive"])
    print("PASS" if not failed else "FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
