#!/usr/bin/env bash
# Fetches the Linux guest bt86 boots: Debian's i386 686 kernel and a static
# busybox initramfs.
#   scripts/fetch-linux-guest.sh [OUTDIR]      (default: build/linux-guest)
# Makes OUTDIR/vmlinuz and OUTDIR/initrd.gz (plus the kernel's config and
# kernel-version beside them).  Both come from Debian's i386 packages:
# linux-image-686:i386 names the current linux-image-6.1.0-N-686, and
# busybox-static:i386 gives /bin/busybox; apt-get download fetches them into
# OUTDIR/debs.  Nothing is downloaded from anywhere else.
# Idempotent: a package already in OUTDIR/debs is not fetched again, and
# vmlinuz / initrd.gz are remade only when older than what they come from.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/build/linux-guest}
mkdir -p "$out"
out=$(cd "$out" && pwd)
debs=$out/debs
builder=$repo/guests/linux/make_initramfs.py
init=$repo/guests/linux/init.sh

say() { echo "fetch-linux-guest: $*"; }
die() { echo "fetch-linux-guest: error: $*" >&2; exit 1; }
trap 'die "command failed (line $LINENO): $BASH_COMMAND"' ERR

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
for tool in apt-get apt-cache dpkg dpkg-deb tar awk python3; do
  command -v "$tool" >/dev/null || die "$tool not found (this script needs a Debian system)"
done
[ -f "$builder" ] && [ -f "$init" ] || die "missing $builder or $init"

# --- i386 packages known to apt? ------------------------------------------
if ! dpkg --print-foreign-architectures | grep -qx i386 &&
   [ "$(dpkg --print-architecture)" != i386 ]; then
  say "adding the i386 architecture to dpkg"
  $sudo dpkg --add-architecture i386 || die "dpkg --add-architecture i386 failed"
fi

updated=no
apt_update() {
  say "running apt-get update"
  # An error here may concern only some index (e.g. a mirror half-way
  # through a sync): go on, and fail below if the packages are still unknown.
  $sudo apt-get update -qq ||
    say "warning: apt-get update reported errors (no network? mirror syncing?); going on with what apt knows"
  updated=yes
}
# The kernel package linux-image-686:i386 depends on, e.g. linux-image-6.1.0-50-686.
resolve_kernel() {
  apt-cache depends linux-image-686:i386 2>/dev/null |
    sed -n 's/^ *|\{0,1\}Depends: *\(linux-image-[0-9][^ ]*-686\)\(:i386\)\{0,1\}$/\1/p' | head -n1 || true
}
# Sets kver and bver to apt's candidate versions of $kpkg:i386 and busybox-static:i386.
candidates() {
  local policy
  policy=$(apt-cache policy "$kpkg:i386" busybox-static:i386 2>/dev/null || true)
  kver=$(awk -v p="$kpkg:i386" '/^[^ ]/ {cur=$1} cur==p":" && $1=="Candidate:" && $2!="(none)" {print $2}' <<<"$policy")
  bver=$(awk '/^[^ ]/ {cur=$1} cur=="busybox-static:i386:" && $1=="Candidate:" && $2!="(none)" {print $2}' <<<"$policy")
}
# (apt-cache is slow here, a couple of seconds a call: call it only twice.)
kpkg=$(resolve_kernel)
kver= bver=
[ -z "$kpkg" ] || candidates
if [ -z "$kpkg" ] || [ -z "$kver" ] || [ -z "$bver" ]; then
  # Package lists missing or without i386: fetch them.
  apt_update
  kpkg=$(resolve_kernel)
  [ -n "$kpkg" ] ||
    die "could not resolve linux-image-686:i386 to a linux-image-*-686 package even after apt-get update (no network? no bookworm source? see apt's messages above)"
  candidates
  [ -n "$kver" ] || die "apt has no candidate for $kpkg:i386"
  [ -n "$bver" ] || die "apt has no candidate for busybox-static:i386"
fi
case $kpkg in
  linux-image-6.1.0-*-686) ;;
  *) say "warning: $kpkg is not a 6.1.0 kernel; bt86 is tested with linux-image-6.1.0-*-686" ;;
esac
krel=${kpkg#linux-image-}

# --- download (only what is missing) ----------------------------------------
mkdir -p "$debs"
find_deb() {  # the .deb of package $1 in $debs (newest if several)
  ls -1t "$debs"/"$1"_*_i386.deb 2>/dev/null | head -n1 || true
}
download() {  # apt-get download packages "$@" into $debs
  local tmp
  tmp=$(mktemp -d /tmp/bt86-linux-dl.XXXXXX)
  # As root apt downloads as user _apt: let it write the directory, so apt
  # needs no unsandboxed fallback (and prints no warning about it).
  if [ "$(id -u)" -eq 0 ] && getent passwd _apt >/dev/null; then
    chown _apt "$tmp"
  fi
  if ! (cd "$tmp" && apt-get download -qq "$@"); then
    rm -rf "$tmp"
    return 1
  fi
  mv "$tmp"/*.deb "$debs"/
  rm -rf "$tmp"
}
need=()
kdeb=$(find_deb "$kpkg")
bdeb=$(find_deb busybox-static)
# Fetch a package again only when apt offers a different version.
if [ -z "$kdeb" ] || [ "$(dpkg-deb -f "$kdeb" Version)" != "$kver" ]; then
  need+=("$kpkg:i386")
fi
if [ -z "$bdeb" ] || [ "$(dpkg-deb -f "$bdeb" Version)" != "$bver" ]; then
  need+=("busybox-static:i386")
fi
if [ ${#need[@]} -gt 0 ]; then
  say "downloading ${need[*]}"
  if ! download "${need[@]}"; then
    # Stale package lists name files the mirror no longer has: update, retry.
    [ $updated = yes ] && die "apt-get download ${need[*]} failed (no network?)"
    apt_update
    download "${need[@]}" || die "apt-get download ${need[*]} failed (no network?)"
  fi
fi
# Keep only the versions apt offers now (and no other kernel).
for f in "$debs"/*.deb; do
  case $(basename "$f") in
    "$kpkg"_*) [ "$(dpkg-deb -f "$f" Version)" = "$kver" ] || rm -f "$f" ;;
    busybox-static_*) [ "$(dpkg-deb -f "$f" Version)" = "$bver" ] || rm -f "$f" ;;
    linux-image-*) rm -f "$f" ;;
  esac
done
kdeb=$(find_deb "$kpkg")
bdeb=$(find_deb busybox-static)
[ -n "$kdeb" ] && [ -n "$bdeb" ] || die "downloaded packages not found in $debs"

# --- kernel -----------------------------------------------------------------
# $1 newer than every other argument (and exists)?
up_to_date() {
  local target=$1; shift
  [ -e "$target" ] || return 1
  for src in "$@"; do [ "$target" -nt "$src" ] || return 1; done
}
if up_to_date "$out/vmlinuz" "$kdeb" && [ "$(cat "$out/kernel-version" 2>/dev/null)" = "$krel" ]; then
  say "vmlinuz is up to date"
else
  say "extracting the kernel from $(basename "$kdeb")"
  x=$(mktemp -d /tmp/bt86-linux-x.XXXXXX)
  # Only /boot is needed (the initramfs has no modules); dpkg-deb gives the
  # package's file tree as a tar stream.
  dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$x" ./boot ||
    { rm -rf "$x"; die "could not extract $kdeb"; }
  [ -f "$x/boot/vmlinuz-$krel" ] || { rm -rf "$x"; die "$kdeb has no boot/vmlinuz-$krel"; }
  cp "$x/boot/config-$krel" "$out/config"
  cp "$x/boot/vmlinuz-$krel" "$out/vmlinuz.tmp"
  mv "$out/vmlinuz.tmp" "$out/vmlinuz"
  rm -rf "$x"
  echo "$krel" > "$out/kernel-version"
fi

# --- initramfs ----------------------------------------------------------------
if up_to_date "$out/initrd.gz" "$bdeb" "$builder" "$init"; then
  say "initrd.gz is up to date"
else
  say "building initrd.gz with busybox from $(basename "$bdeb")"
  x=$(mktemp -d /tmp/bt86-linux-x.XXXXXX)
  dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$x" ./bin/busybox ||
    { rm -rf "$x"; die "could not extract $bdeb"; }
  python3 "$builder" "$out/initrd.gz" --busybox "$x/bin/busybox" --init "$init" ||
    { rm -rf "$x"; die "make_initramfs.py failed"; }
  rm -rf "$x"
fi

kver=$(dpkg-deb -f "$kdeb" Version)
say "kernel $krel (package $kpkg $kver), busybox $(dpkg-deb -f "$bdeb" Version)"
say "ready: $out/vmlinuz $out/initrd.gz"
