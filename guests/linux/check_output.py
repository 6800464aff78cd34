#!/usr/bin/env python3
"""Check a Linux guest's console log against what the host computes.

    check_output.py LOG [--workload ci] [--mib 16] [--n 500]
    check_output.py --expected [--mib 16]     # just print the expected hashes

Verifies, for the workload (default: ci):
  - BT86-BOOT-OK was printed;
  - sha256 / ci / bench: SHA256 and MD5 equal the host's hashes of the same
    test pattern (bench: of 32 MiB);
  - forkexec / ci: "FORKEXEC <n> done" and at least n new PIDs;
  - cpuinfo / ci: a non-empty /proc/cpuinfo between its markers, and with
    --not-affected NAME[,NAME]: the kernel reports itself not affected by those
    CPU flaws (its VULN lines, from /sys/devices/system/cpu/vulnerabilities);
  - dmesgcheck / ci: DMESG-CLEAN;
  - BT86-WORKLOAD-DONE status=ok.
Prints one line per check and "N passed, N failed"; exit status 1 on any
failure.

The test pattern (guests/linux/init.sh, make_pattern): the bytes
0,1,...,250 repeated, cut to mib * 1 MiB bytes.
"""

import argparse
import hashlib
import re
import sys

PERIOD = bytes(range(251))


def pattern(nbytes):
    return (PERIOD * (nbytes // len(PERIOD) + 1))[:nbytes]


def expected_hashes(mib):
    data = pattern(mib << 20)
    return hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest()


class Checker:
    def __init__(self, text, not_affected=()):
        self.text = text
        self.not_affected = list(not_affected)
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"ok    {what}")
        else:
            self.failed += 1
            print(f"FAIL  {what}" + (f": {detail}" if detail else ""))

    def find(self, regex):
        return re.search(regex, self.text, re.M)

    def hashes(self, mib):
        sha, md5 = expected_hashes(mib)
        m = self.find(r"^SHA256 ([0-9a-f]{64})\s*$")
        self.check(m and m.group(1) == sha, f"SHA256 of {mib} MiB pattern = {sha}",
                   f"guest printed {m.group(1) if m else 'nothing'}")
        m = self.find(r"^MD5 ([0-9a-f]{32})\s*$")
        self.check(m and m.group(1) == md5, f"MD5 of {mib} MiB pattern = {md5}",
                   f"guest printed {m.group(1) if m else 'nothing'}")

    def forkexec(self, n):
        self.check(self.find(rf"^FORKEXEC {n} done\s*$"), f"FORKEXEC {n} done",
                   "not printed" + (" (FAILED line present)" if self.find(r"^FORKEXEC \d+ FAILED") else ""))
        m = self.find(r"^BT86-END forkexec .*pids=(\d+)")
        self.check(m and int(m.group(1)) >= n, f"at least {n} processes made",
                   f"pids={m.group(1) if m else '?'}")

    def cpuinfo(self):
        m = re.search(r"^BT86-BEGIN cpuinfo\s*$(.*?)^BT86-END cpuinfo", self.text, re.M | re.S)
        self.check(m and re.search(r"^processor\s*:\s*0", m.group(1), re.M),
                   "/proc/cpuinfo printed")
        for name in self.not_affected:
            v = re.search(rf"^VULN {re.escape(name)}: (.*?)\s*$", self.text, re.M)
            self.check(v and v.group(1) == "Not affected", f"{name}: Not affected",
                       v.group(1) if v else "no VULN line")

    def dmesg(self):
        bad = re.findall(r"^DMESG-BAD (.*)$", self.text, re.M)
        self.check(self.find(r"^DMESG-CLEAN\s*$"), "DMESG-CLEAN", "; ".join(bad[:5]) or "not printed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("log", nargs="?", help="console log (e.g. from drive_console.py --log)")
    ap.add_argument("--workload", default="ci",
                    choices=["ci", "sha256", "forkexec", "cpuinfo", "dmesgcheck", "bench"])
    ap.add_argument("--mib", type=int, default=16, help="bt86.mib the guest ran with")
    ap.add_argument("--n", type=int, default=None, help="bt86.n the guest ran with")
    ap.add_argument("--not-affected", default="",
                    help="comma-separated CPU flaws (mds, meltdown, ...) the kernel must "
                         "report itself not affected by")
    ap.add_argument("--expected", action="store_true",
                    help="print the expected SHA256 and MD5 and exit")
    args = ap.parse_args()

    if args.expected:
        sha, md5 = expected_hashes(args.mib)
        print(f"SHA256 {sha}\nMD5 {md5}")
        return 0
    if not args.log:
        ap.error("LOG is required (or --expected)")
    with open(args.log, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r", "")

    c = Checker(text, [n for n in args.not_affected.split(",") if n])
    w = args.workload
    c.check(c.find(r"^BT86-BOOT-OK uptime=[0-9.]+\s*$"), "BT86-BOOT-OK")
    if w in ("ci", "sha256"):
        c.hashes(args.mib)
    if w == "bench":
        c.hashes(32)
        for name in ("sha256sum-32MiB", "md5sum-32MiB", rf"forkexec-{args.n or 2000}"):
            c.check(c.find(rf"^BENCH {name} [0-9.]+\s*$"), f"BENCH {name}")
    if w in ("ci", "forkexec"):
        c.forkexec(args.n or 500)
    if w in ("ci", "cpuinfo"):
        c.cpuinfo()
    if w in ("ci", "dmesgcheck"):
        c.dmesg()
    c.check(c.find(rf"^BT86-WORKLOAD-DONE workload={w} status=ok"), "BT86-WORKLOAD-DONE status=ok")
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
