#!/usr/bin/env python3
"""Run an emulator with the Linux guest on a pseudo-terminal and drive its
serial console.

    drive_console.py [options] -- COMMAND [ARGS...]

COMMAND is the emulator, run with its console on our pty as stdin/stdout
(e.g. `qemu-system-i386 -nographic ...` or, later, `bt86 -kernel ...`).

Modes:
  (default)      workload: just watch; succeed when the guest printed
                 BT86-WORKLOAD-DONE and the emulator exited by itself
                 with status 0 (any status with --any-status).
  --interactive  the shell path (no bt86.workload= on the command line):
                 waits for the prompt, types `echo hello-$((6*7))` and
                 expects `hello-42`, checks job control (Ctrl-C stops a
                 foreground `sleep`), types `exit` and expects the emulator
                 to exit by itself.

The console output goes to stdout (raw) and, with --log, to a file.  Each
BT86-* marker is reported on stderr with the seconds since start, e.g.
`[drive +41.2s] BT86-BOOT-OK uptime=38.51`.
Exit status: 0 success, 1 failure, 124 timeout (the emulator is killed).
"""

import argparse
import os
import pty
import re
import select
import signal
import sys
import time

# The prompt (busybox may follow it with a cursor-position query, ESC [ 6 n).
PROMPT = re.compile(rb"bt86:[^\r\n#]*# ")


class Console:
    def __init__(self, argv, log, echo, timeout, stamps=None):
        self.start = time.monotonic()
        self.deadline = self.start + timeout
        self.buf = b""        # everything received
        self.pos = 0          # where expect() searches from
        self.line = b""       # current partial line, for marker reporting
        self.log = log
        self.echo = echo
        self.stamps = stamps
        self.status = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execvp(argv[0], argv)
            except OSError as e:
                os.write(2, f"drive_console: cannot run {argv[0]}: {e}\n".encode())
            os._exit(127)

    def elapsed(self):
        return time.monotonic() - self.start

    def note(self, msg):
        sys.stderr.write(f"\n[drive +{self.elapsed():.1f}s] {msg}\n")
        sys.stderr.flush()

    def _got(self, data):
        self.buf += data
        if self.log:
            self.log.write(data)
            self.log.flush()
        if self.echo:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        self.line += data
        *lines, self.line = re.split(rb"\r?\n", self.line)
        for ln in lines:
            if self.stamps:
                self.stamps.write(f"{self.elapsed():9.3f} ".encode() + ln.rstrip(b"\r") + b"\n")
                self.stamps.flush()
            m = re.search(rb"(BT86-[A-Z0-9-]+.*)", ln)
            if m:
                self.note(m.group(1).decode(errors="replace").rstrip("\r"))

    def poll(self, wait):
        """Reads what is there (waiting up to `wait` s). False at EOF."""
        if self.fd is None:
            return False
        r, _, _ = select.select([self.fd], [], [], max(0.0, wait))
        if not r:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the pty
            data = b""
        if not data:
            os.close(self.fd)
            self.fd = None
            return False
        self._got(data)
        return True

    def expect(self, pattern, what, timeout=None):
        """Waits until `pattern` (bytes regex) appears after the last match."""
        end = self.deadline if timeout is None else min(self.deadline, time.monotonic() + timeout)
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            now = time.monotonic()
            if now >= end:
                raise Failure(f"timed out waiting for {what}", timeout=now >= self.deadline)
            if not self.poll(end - now):
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                raise Failure(f"console closed (emulator exited) while waiting for {what}")

    def send(self, text):
        os.write(self.fd, text.encode() if isinstance(text, str) else text)

    def wait_exit(self):
        """Reads until EOF and the child's exit; returns its exit status."""
        while self.poll(self.deadline - time.monotonic()):
            if time.monotonic() >= self.deadline:
                raise Failure("timed out waiting for the emulator to exit", timeout=True)
        while True:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(st)
                return self.status
            if time.monotonic() >= self.deadline:
                raise Failure("timed out waiting for the emulator to exit", timeout=True)
            time.sleep(0.05)

    def kill(self):
        if self.status is not None:
            return
        for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                break
            end = time.monotonic() + grace
            while time.monotonic() < end:
                pid, st = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self.status = os.waitstatus_to_exitcode(st)
                    return
                time.sleep(0.05)


class Failure(Exception):
    def __init__(self, msg, timeout=False):
        super().__init__(msg)
        self.timeout = timeout


def run_workload(con):
    con.expect(rb"BT86-BOOT-OK", "BT86-BOOT-OK")
    m = con.expect(rb"BT86-WORKLOAD-DONE[^\r\n]*\r*\n", "BT86-WORKLOAD-DONE")
    st = con.wait_exit()
    con.note(f"emulator exited with status {st}")
    if re.search(rb"status=(?!ok\b)", m.group(0)):
        raise Failure("the workload did not finish with status=ok")


def run_interactive(con, prompt_timeout):
    con.expect(rb"BT86-BOOT-OK", "BT86-BOOT-OK")
    con.expect(PROMPT, "the shell prompt", prompt_timeout)
    con.note("prompt seen")
    if re.search(rb"job control turned off", con.buf):
        raise Failure("the shell says job control is off (no controlling tty)")

    con.send("echo hello-$((6*7))\r")
    con.expect(rb"\nhello-42\r*\n", "hello-42", prompt_timeout)
    con.expect(PROMPT, "the prompt after echo", prompt_timeout)
    con.note("echo hello-$((6*7)) -> hello-42")

    # Job control: Ctrl-C must reach a foreground job through the tty.
    con.send("sleep 1000\r")
    con.expect(rb"sleep 1000\r*\n", "the echo of `sleep 1000`", prompt_timeout)
    time.sleep(1.0)
    t = time.monotonic()
    con.send(b"\x03")
    con.expect(PROMPT, "the prompt after Ctrl-C", prompt_timeout)
    con.note(f"Ctrl-C interrupted a foreground sleep ({time.monotonic() - t:.1f}s)")

    con.send("exit\r")
    st = con.wait_exit()
    con.note(f"emulator exited with status {st} after `exit`")


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="%(prog)s [options] -- COMMAND [ARGS...]")
    ap.add_argument("--timeout", type=float, default=300,
                    help="overall limit in seconds (default %(default)s)")
    ap.add_argument("--prompt-timeout", type=float, default=60,
                    help="limit for each step after boot in interactive mode "
                         "(default %(default)s)")
    ap.add_argument("--interactive", action="store_true",
                    help="drive the interactive shell instead of a workload")
    ap.add_argument("--any-status", action="store_true",
                    help="workload mode: accept any exit status of the emulator "
                         "(default: it must exit with 0)")
    ap.add_argument("--log", help="also write the console output to this file")
    ap.add_argument("--timestamps", metavar="FILE",
                    help="write each console line to FILE prefixed with the "
                         "seconds since the emulator started (boot profiling)")
    ap.add_argument("--quiet", action="store_true",
                    help="do not copy the console output to stdout")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        ap.error("no emulator command given (put it after --)")

    log = open(args.log, "wb") if args.log else None
    stamps = open(args.timestamps, "wb") if args.timestamps else None
    con = Console(cmd, log, not args.quiet, args.timeout, stamps)
    rc = 0
    try:
        if args.interactive:
            run_interactive(con, args.prompt_timeout)
        else:
            run_workload(con)
            if con.status != 0 and not args.any_status:
                raise Failure(f"emulator exit status {con.status}")
        con.note("PASS")
    except Failure as e:
        con.note(f"FAIL: {e}")
        rc = 124 if e.timeout else 1
    except KeyboardInterrupt:
        con.note("interrupted")
        rc = 130
    finally:
        con.kill()
        for f in (log, stamps):
            if f:
                f.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
