#!/usr/bin/env bash
# Runs the bt86 Linux guest (scripts/fetch-linux-guest.sh) under QEMU, the
# reference bt86 is compared with.
#   scripts/linux-qemu.sh                      interactive shell on this terminal
#                                              (`exit` in the guest, or Ctrl-A x, ends it)
#   scripts/linux-qemu.sh -w ci                run a workload, check its output
#   scripts/linux-qemu.sh --shell-test         drive the shell: hello-42, Ctrl-C, exit
# Options:
#   -d, --dir DIR      guest files (default build/linux-guest), brought up to date
#                      with scripts/fetch-linux-guest.sh first
#   --no-fetch         use DIR as it is
#   -w, --workload W   bt86.workload=W: ci sha256 forkexec cpuinfo dmesgcheck bench
#   --mib N, --n N     bt86.mib= / bt86.n= for the workload
#   --append ARGS      more kernel command line
#   --timeout S        limit for a workload or the shell test (default 300)
#   --log FILE         console log (default DIR/qemu-WORKLOAD.log)
#   -- ARGS            more QEMU arguments
# Environment: QEMU (default qemu-system-i386), QEMU_MEM (default 256).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

dir=$repo/build/linux-guest
fetch=yes workload= shell_test=no mib= n= append= timeout=300 log=
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    -d|--dir) dir=$2; shift 2 ;;
    -w|--workload) workload=$2; shift 2 ;;
    --shell-test) shell_test=yes; shift ;;
    --no-fetch) fetch=no; shift ;;
    --mib) mib=$2; shift 2 ;;
    --n) n=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "linux-qemu: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$workload" ] && [ $shell_test = yes ] && { echo "linux-qemu: -w and --shell-test exclude each other" >&2; exit 2; }

if [ $fetch = yes ]; then
  "$repo/scripts/fetch-linux-guest.sh" "$dir" >&2
elif [ ! -f "$dir/vmlinuz" ] || [ ! -f "$dir/initrd.gz" ]; then
  echo "linux-qemu: no $dir/vmlinuz or $dir/initrd.gz (run scripts/fetch-linux-guest.sh)" >&2
  exit 1
fi
qemu=${QEMU:-qemu-system-i386}
command -v "$qemu" >/dev/null || { echo "linux-qemu: $qemu not found (scripts/setup.sh test installs it)" >&2; exit 1; }

cmdline="console=ttyS0 quiet"
[ -n "$workload" ] && cmdline+=" bt86.workload=$workload"
[ -n "$mib" ] && cmdline+=" bt86.mib=$mib"
[ -n "$n" ] && cmdline+=" bt86.n=$n"
[ -n "$append" ] && cmdline+=" $append"
# -net none: no NIC (bt86 has none; it also skips iPXE's banner).
cmd=("$qemu" -accel tcg -m "${QEMU_MEM:-256}" -nographic -no-reboot -net none
     -kernel "$dir/vmlinuz" -initrd "$dir/initrd.gz" -append "$cmdline" "${extra[@]}")

drive=$repo/guests/linux/drive_console.py
if [ -n "$workload" ]; then
  log=${log:-$dir/qemu-$workload.log}
  echo "linux-qemu: ${cmd[*]}" >&2
  python3 "$drive" --timeout "$timeout" --log "$log" -- "${cmd[@]}"
  check=(python3 "$repo/guests/linux/check_output.py" "$log" --workload "$workload")
  [ -n "$mib" ] && check+=(--mib "$mib")
  [ -n "$n" ] && check+=(--n "$n")
  "${check[@]}"
elif [ $shell_test = yes ]; then
  log=${log:-$dir/qemu-shell.log}
  echo "linux-qemu: ${cmd[*]}" >&2
  python3 "$drive" --interactive --timeout "$timeout" --log "$log" -- "${cmd[@]}"
else
  exec "${cmd[@]}"
fi
