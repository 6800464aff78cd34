#!/bin/sh
# /init of the bt86 Linux guest (busybox sh, PID 1).  See guests/linux/README.md.
#
# Prints "BT86-BOOT-OK uptime=<s>", then reads the kernel command line:
#   bt86.workload=NAME  sha256 | forkexec | cpuinfo | dmesgcheck | ci | bench
#                       (none: interactive shell on the console)
#   bt86.mib=N          size of the sha256 workload's data (default 16)
#   bt86.n=N            fork+exec iterations (default 500; bench: 2000)
#   bt86.exit=MODE      how to stop the VM afterwards: reboot (default) | poweroff
# After a workload it prints "BT86-WORKLOAD-DONE" and resets the machine
# (QEMU -no-reboot and bt86 both end on a reset).

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
[ -n "$TERM" ] || export TERM=vt100
umask 022
cd /

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s 2>/dev/null
mount -t sysfs sysfs /sys
if ! mount -t devtmpfs devtmpfs /dev 2>/dev/null; then
    echo "bt86-init: devtmpfs not mounted, using the initramfs's static /dev nodes"
fi
hostname bt86

# ---- helpers -------------------------------------------------------------

# Sets _cs to the uptime in centiseconds (no fork: read is a builtin).
now_cs() {
    read _up _idle < /proc/uptime
    # "12.34" -> 1234; "1${frac}-100" keeps a leading 0 from meaning octal.
    _cs=$(( ${_up%.*} * 100 + 1${_up#*.} - 100 ))
}

# Prints centiseconds $1 as seconds with two decimals.
fmt_cs() {
    printf '%d.%02d' $(( $1 / 100 )) $(( $1 % 100 ))
}

is_number() {
    case $1 in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac
}

# Waits until everything written to the console has left the UART:
# stty applies settings with tcsetattr(TCSADRAIN), so re-applying the current
# settings blocks until the output queue is empty.
drain_console() {
    sync
    _mode=$(stty -g < /dev/console 2>/dev/null) &&
        stty "$_mode" < /dev/console 2>/dev/null
    sleep 0.2
}

stop_machine() {
    drain_console
    case $exit_mode in
        poweroff) poweroff -f ;;
        *) reboot -f ;;
    esac
    # Still here: try the other way, then idle (PID 1 must not exit).
    sleep 2
    poweroff -f
    reboot -f
    while :; do sleep 3600; done
}

# Deterministic test data: the bytes 0,1,2,...,250 repeated, cut to $1 bytes,
# written to $2.  The host reproduces it with
#     (bytes(range(251)) * (n // 251 + 1))[:n]
# The period 251 is prime, so a misplaced page or a shifted copy changes the
# hashes (a period of 256 or all zeros would hide those).
make_pattern() {
    _fmt=''
    _i=0
    while [ $_i -lt 251 ]; do
        _fmt="$_fmt\\$((_i / 64))$((_i / 8 % 8))$((_i % 8))"
        _i=$((_i + 1))
    done
    printf "$_fmt" > /tmp/pattern.blk
    # Double it 13 times: 251 * 8192 = 2056192 bytes, still a whole number
    # of periods, so copies of it concatenate into the same pattern.
    _i=0
    while [ $_i -lt 13 ]; do
        cat /tmp/pattern.blk /tmp/pattern.blk > /tmp/pattern.tmp
        mv /tmp/pattern.tmp /tmp/pattern.blk
        _i=$((_i + 1))
    done
    # One cat of enough copies (copying file to file, without a pipe, is
    # the fastest way busybox has), cut to size.
    _args=
    _i=$(( $1 / 2056192 + 1 ))
    while [ $_i -gt 0 ]; do
        _args="$_args /tmp/pattern.blk"
        _i=$((_i - 1))
    done
    cat $_args > "$2"
    truncate -s "$1" "$2"
    rm -f /tmp/pattern.blk
}

# Echoes only the hash from "<hash>  <file>".
hash_of() {
    _h=$("$1" "$2") || return 1
    echo "${_h%% *}"
}

# ---- workloads -----------------------------------------------------------

wl_sha256() {
    _mib=$1
    echo "BT86-BEGIN sha256 mib=$_mib"
    now_cs; _t0=$_cs
    make_pattern $(( _mib * 1048576 )) /tmp/pattern.bin
    now_cs; _t1=$_cs
    echo "SHA256 $(hash_of sha256sum /tmp/pattern.bin)"
    now_cs; _t2=$_cs
    echo "MD5 $(hash_of md5sum /tmp/pattern.bin)"
    now_cs; _t3=$_cs
    rm -f /tmp/pattern.bin
    echo "BT86-END sha256 generate=$(fmt_cs $((_t1 - _t0))) sha256sum=$(fmt_cs $((_t2 - _t1))) md5sum=$(fmt_cs $((_t3 - _t2)))"
}

# $1 iterations of fork + exec of /bin/true (a symlink to busybox).  The path
# has a slash, so the shell cannot run it as a builtin or an in-process
# applet: every iteration is a real fork and execve.  The last PID in
# /proc/loadavg shows how many processes were made.
run_forkexec() {
    _fails=0
    _i=0
    while [ $_i -lt $1 ]; do
        /bin/true || _fails=$((_fails + 1))
        _i=$((_i + 1))
    done
}

last_pid() {
    read _a _b _c _d _lastpid < /proc/loadavg
}

wl_forkexec() {
    _n=$1
    echo "BT86-BEGIN forkexec n=$_n"
    last_pid; _p0=$_lastpid
    now_cs; _t0=$_cs
    run_forkexec "$_n"
    now_cs; _t1=$_cs
    last_pid; _p1=$_lastpid
    if [ $_fails -eq 0 ]; then
        echo "FORKEXEC $_n done"
    else
        echo "FORKEXEC $_n FAILED $_fails"
    fi
    echo "BT86-END forkexec seconds=$(fmt_cs $((_t1 - _t0))) pids=$((_p1 - _p0))"
}

wl_cpuinfo() {
    echo "BT86-BEGIN cpuinfo"
    cat /proc/cpuinfo
    # What the kernel concluded about the CPU's speculative-execution flaws
    # (from CPUID and IA32_ARCH_CAPABILITIES), one line per flaw.
    for _f in /sys/devices/system/cpu/vulnerabilities/*; do
        [ -r "$_f" ] && echo "VULN $(basename "$_f"): $(cat "$_f")"
    done
    echo "BT86-END cpuinfo"
}

# Kernel trouble, user processes killed by faults, and failed crypto
# self-tests (the kernel checks its AES, SHA, CRC... code at boot: a wrong
# result there is an emulation bug).
DMESG_BAD='Oops|BUG|soft lockup|hard LOCKUP|Call Trace|WARNING:|Kernel panic|general protection|segfault|trap invalid opcode|rcu.*stall|alg: .*fail'

wl_dmesgcheck() {
    echo "BT86-BEGIN dmesgcheck"
    dmesg > /tmp/dmesg.txt
    if grep -E "$DMESG_BAD" /tmp/dmesg.txt > /tmp/dmesg.bad; then
        echo "DMESG-DIRTY"
        sed 's/^/DMESG-BAD /' /tmp/dmesg.bad
    else
        echo "DMESG-CLEAN"
    fi
    rm -f /tmp/dmesg.txt /tmp/dmesg.bad
    echo "BT86-END dmesgcheck"
}

wl_bench() {
    _mib=32
    _n=${n:-2000}
    echo "BT86-BEGIN bench"
    echo "BENCH boot $(fmt_cs $boot_cs)"
    now_cs; _t0=$_cs
    make_pattern $(( _mib * 1048576 )) /tmp/pattern.bin
    now_cs; _t1=$_cs
    echo "BENCH generate-${_mib}MiB $(fmt_cs $((_t1 - _t0)))"
    _h=$(hash_of sha256sum /tmp/pattern.bin)
    now_cs; _t2=$_cs
    echo "BENCH sha256sum-${_mib}MiB $(fmt_cs $((_t2 - _t1)))"
    echo "SHA256 $_h"
    _h=$(hash_of md5sum /tmp/pattern.bin)
    now_cs; _t3=$_cs
    echo "BENCH md5sum-${_mib}MiB $(fmt_cs $((_t3 - _t2)))"
    echo "MD5 $_h"
    rm -f /tmp/pattern.bin
    now_cs; _t0=$_cs
    run_forkexec "$_n"
    now_cs; _t1=$_cs
    echo "BENCH forkexec-$_n $(fmt_cs $((_t1 - _t0)))"
    [ $_fails -eq 0 ] || echo "FORKEXEC $_n FAILED $_fails"
    echo "BT86-END bench"
}

# ---- main ----------------------------------------------------------------

now_cs; boot_cs=$_cs
echo "BT86-BOOT-OK uptime=$_up"

workload=
mib=16
n=
exit_mode=reboot
for _w in $(cat /proc/cmdline); do
    case $_w in
        bt86.workload=*) workload=${_w#*=} ;;
        bt86.mib=*) mib=${_w#*=} ;;
        bt86.n=*) n=${_w#*=} ;;
        bt86.exit=*) exit_mode=${_w#*=} ;;
    esac
done
is_number "$mib" || { echo "bt86-init: bad bt86.mib=$mib, using 16"; mib=16; }
[ -z "$n" ] || is_number "$n" || { echo "bt86-init: bad bt86.n=$n, using the default"; n=; }

if [ -z "$workload" ]; then
    echo "bt86 guest: busybox shell on the console; 'exit' powers the machine off"
    export PS1='bt86:\w# '
    # setsid + cttyhack give the shell a controlling terminal (the real
    # console device, e.g. /dev/ttyS0), hence job control and Ctrl-C.
    setsid cttyhack sh -l
    echo "bt86 guest: shell exited, stopping"
    stop_machine
fi

status=ok
case $workload in
    sha256) wl_sha256 "$mib" ;;
    forkexec) wl_forkexec "${n:-500}" ;;
    cpuinfo) wl_cpuinfo ;;
    dmesgcheck) wl_dmesgcheck ;;
    ci)
        wl_sha256 "$mib"
        wl_forkexec "${n:-500}"
        wl_cpuinfo
        wl_dmesgcheck
        ;;
    bench) wl_bench ;;
    *) echo "bt86-init: unknown workload '$workload'"; status=unknown ;;
esac
now_cs
echo "BT86-WORKLOAD-DONE workload=$workload status=$status uptime=$_up"
stop_machine
