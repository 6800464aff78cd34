#!/usr/bin/env python3
"""Build the bt86 Linux guest's initramfs: a gzip'd cpio "newc" archive.

    make_initramfs.py OUT.gz --busybox PATH [--init PATH] [--file SRC=DEST ...]

The archive holds a static busybox, the /init script (guests/linux/init.sh by
default), a small directory tree, /etc/passwd and /etc/group, and the device
nodes the kernel and /init need before devtmpfs is mounted (/dev/console,
/dev/ttyS0, /dev/null, ...).  Device nodes are written as cpio char-device
entries, so building needs neither root nor mknod, nor the cpio tool.

The output is deterministic: entries are sorted, every mtime is fixed
(SOURCE_DATE_EPOCH if set, else 0), owners are root, inode numbers are
sequential and the gzip header carries no name and no time.  The same inputs
therefore always give the same bytes.
"""

import argparse
import gzip
import io
import os
import stat
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

DIRS = {
    "bin": 0o755, "dev": 0o755, "etc": 0o755, "mnt": 0o755, "proc": 0o555,
    "root": 0o700, "run": 0o755, "sbin": 0o755, "sys": 0o555, "tmp": 0o1777,
    "usr": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755, "var": 0o755,
}

# (name, major, minor, permissions).  console and ttyS0 are what the kernel
# and /init use before devtmpfs is mounted (and if it cannot be).
CHAR_DEVICES = [
    ("dev/console", 5, 1, 0o600),
    ("dev/tty", 5, 0, 0o666),
    ("dev/ttyS0", 4, 64, 0o660),
    ("dev/null", 1, 3, 0o666),
    ("dev/zero", 1, 5, 0o666),
]

# Applets /init uses, linked in the archive so /init works even before (or
# without) `busybox --install -s`, which /init runs for the rest.
APPLETS = [
    "cat", "cttyhack", "cut", "date", "dd", "dmesg", "echo", "grep", "head",
    "hostname", "ln", "ls", "md5sum", "mkdir", "mount", "mv", "poweroff",
    "printf", "reboot", "rm", "sed", "setsid", "sh", "sha256sum", "sleep",
    "stty", "sync", "tr", "true", "truncate", "umount", "uname",
]

ETC_FILES = {
    "etc/passwd": b"root:x:0:0:root:/root:/bin/sh\n",
    "etc/group": b"root:x:0:\n",
    "etc/hostname": b"bt86\n",
}


class CpioWriter:
    """Writes SVR4 "newc" (070701) cpio entries, as the kernel's initramfs
    unpacker reads them (init/initramfs.c)."""

    def __init__(self, mtime):
        self.out = io.BytesIO()
        self.mtime = mtime
        self.ino = 0x100

    def _entry(self, name, mode, data=b"", nlink=1, rdev=(0, 0)):
        self.ino += 1
        namez = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, self.mtime, len(data),
                  0, 0, rdev[0], rdev[1], len(namez), 0]
        hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out.write(hdr + namez)
        self._pad()
        self.out.write(data)
        self._pad()

    def _pad(self):
        self.out.write(b"\0" * (-self.out.tell() % 4))

    def directory(self, name, perm):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self.ino = 0
        self._entry("TRAILER!!!", 0, nlink=1)
        return self.out.getvalue()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output file (gzip'd cpio newc)")
    ap.add_argument("--busybox", required=True,
                    help="static i386 busybox binary (from busybox-static:i386)")
    ap.add_argument("--init", default=os.path.join(HERE, "init.sh"),
                    help="script installed as /init (default: %(default)s)")
    ap.add_argument("--file", action="append", default=[], metavar="SRC=DEST",
                    help="also add host file SRC as DEST (e.g. bin/foo); "
                         "its permissions are kept (0755 if executable, else 0644)")
    args = ap.parse_args()

    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    entries = {}  # name -> callable(writer)

    def add(name, fn):
        name = name.strip("/")
        if not name or ".." in name.split("/"):
            sys.exit(f"make_initramfs: bad archive path {name!r}")
        entries[name] = fn

    for d, perm in DIRS.items():
        add(d, lambda w, d=d, perm=perm: w.directory(d, perm))
    for name, major, minor, perm in CHAR_DEVICES:
        add(name, lambda w, n=name, a=major, b=minor, p=perm: w.chardev(n, a, b, p))
    for name, data in ETC_FILES.items():
        add(name, lambda w, n=name, d=data: w.file(n, d, 0o644))

    try:
        busybox = read(args.busybox)
        init = read(args.init)
        extra = []
        for spec in args.file:
            src, sep, dest = spec.partition("=")
            if not sep or not dest:
                sys.exit(f"make_initramfs: --file wants SRC=DEST, got {spec!r}")
            perm = 0o755 if os.access(src, os.X_OK) else 0o644
            extra.append((dest, read(src), perm))
    except OSError as e:
        sys.exit(f"make_initramfs: {e}")
    if busybox[:4] != b"\x7fELF":
        sys.exit(f"make_initramfs: {args.busybox} is not an ELF binary")
    if not init.startswith(b"#!"):
        sys.exit(f"make_initramfs: {args.init} has no #! line")

    add("bin/busybox", lambda w: w.file("bin/busybox", busybox, 0o755))
    for applet in APPLETS:
        add("bin/" + applet, lambda w, a=applet: w.symlink("bin/" + a, "busybox"))
    add("init", lambda w: w.file("init", init, 0o755))
    for dest, data, perm in extra:
        dest = dest.strip("/")
        # Create missing parent directories.
        parts = dest.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in entries:
                add(d, lambda w, d=d: w.directory(d, 0o755))
        add(dest, lambda w, n=dest, d=data, p=perm: w.file(n, d, p))

    w = CpioWriter(mtime)
    # Sorted by path, so every directory comes before what it holds.
    for name in sorted(entries, key=lambda n: n.split("/")):
        entries[name](w)
    archive = w.finish()

    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9,
                       mtime=0) as gz:
        gz.write(archive)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
