#!/usr/bin/env python3
"""Boot each guest test under QEMU and/or bt86 and check its transcript.

Each guest ELF is paired with the source file that carries its expectations
in comment lines (';' or '//'), anywhere in the file, in order:

    ; expect-exit: 3            process exit status ((value << 1) | 1)
    ; expect: hello, world      one transcript line, compared exactly
    ; expect-match: mem=\\d+     one transcript line, a full-line regex

Usage:
    run_guest_tests.py [--qemu PATH] [--bt86 PATH] [--timeout S] ELF[=SOURCE]...

Without '=SOURCE' the source is the .asm of the same stem next to this
script. Every (guest, emulator) pair counts once in the final line
'N passed, M failed'; the exit status is 0 only if nothing failed.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECT_RE = re.compile(r"^\s*(?:;|//)\s?expect(-exit|-match)?: ?(.*?)\r?$")


@dataclass
class Expectation:
    exit_status: int | None = None
    # (is_regex, text) per transcript line
    lines: list[tuple[bool, str]] = field(default_factory=list)


def parse_expectation(source: str) -> Expectation:
    exp = Expectation()
    with open(source, encoding="utf-8") as f:
        for raw in f:
            m = EXPECT_RE.match(raw)
            if not m:
                continue
            kind, text = m.group(1), m.group(2)
            if kind == "-exit":
                exp.exit_status = int(text.strip(), 0)
            else:
                exp.lines.append((kind == "-match", text))
    if exp.exit_status is None:
        raise ValueError(f"{source}: no 'expect-exit:' line")
    return exp


def emulator_command(kind: str, path: str, elf: str) -> list[str]:
    if kind == "qemu":
        return [path, "-kernel", elf, "-serial", "stdio", "-display", "none",
                "-monitor", "none", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-m", "128"]
    # Every block translated during the tests goes through the confinement verifier.
    return [path, "-kernel", elf, "-serial", "stdio", "-m", "128", "--verify-translations"]


def line_matches(expected: tuple[bool, str], actual: str) -> bool:
    is_regex, text = expected
    return re.fullmatch(text, actual) is not None if is_regex else text == actual


def run_one(kind: str, path: str, elf: str, exp: Expectation, timeout: float) -> list[str]:
    """Runs one guest; returns a list of problems (empty when it passed)."""
    cmd = emulator_command(kind, path, elf)
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return [f"timed out after {timeout:g} s", "transcript so far:", out]
    except OSError as e:
        return [f"cannot run {cmd[0]}: {e}"]

    transcript = proc.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    actual = transcript.split("\n")
    if actual and actual[-1] == "":
        actual.pop()
    problems = []
    if proc.returncode != exp.exit_status:
        problems.append(f"exit status {proc.returncode}, expected {exp.exit_status}")
    same = len(actual) == len(exp.lines) and all(
        line_matches(e, a) for e, a in zip(exp.lines, actual))
    if not same:
        wanted = [("re:" if r else "") + t for r, t in exp.lines]
        # Show matched regex lines as their actual text so the diff is minimal.
        for i, (e, a) in enumerate(zip(exp.lines, actual)):
            if e[0] and line_matches(e, a):
                wanted[i] = a
        problems.append("transcript differs (--- expected, +++ actual):")
        problems.extend(difflib.unified_diff(wanted, actual, "expected", "actual",
                                             lineterm=""))
    if problems:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        if stderr:
            problems.append("stderr:")
            problems.extend(stderr.splitlines()[-20:])
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qemu", metavar="PATH", help="qemu-system-i386 to run the guests under")
    ap.add_argument("--bt86", metavar="PATH", help="bt86 executable to run the guests under")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per run (default 10)")
    ap.add_argument("guests", nargs="+", metavar="ELF[=SOURCE]")
    args = ap.parse_args()

    emulators = [(k, p) for k, p in (("qemu", args.qemu), ("bt86", args.bt86)) if p]
    if not emulators:
        ap.error("give --qemu PATH and/or --bt86 PATH")

    passed = failed = 0
    for spec in args.guests:
        elf, _, source = spec.partition("=")
        if not source:
            source = os.path.join(HERE, os.path.splitext(os.path.basename(elf))[0] + ".asm")
        name = os.path.splitext(os.path.basename(elf))[0]
        try:
            exp = parse_expectation(source)
        except (OSError, ValueError) as e:
            for kind, _ in emulators:
                print(f"FAIL {name} [{kind}]: {e}")
                failed += 1
            continue
        for kind, path in emulators:
            problems = (["guest ELF not found: " + elf] if not os.path.exists(elf)
                        else run_one(kind, path, elf, exp, args.timeout))
            if problems:
                failed += 1
                print(f"FAIL {name} [{kind}]")
                for p in problems:
                    print("    " + p)
            else:
                passed += 1
                print(f"ok   {name} [{kind}]")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
