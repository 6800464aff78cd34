; exc_mf: x87 floating-point error (#MF, vector 16, no error code) with
; CR0.NE=1. With ZM cleared in the control word, FDIV by zero does not fault
; itself: it sets ZE and ES in the status word, and the fault is reported on
; the next waiting x87 instruction (saved EIP = that instruction). The
; non-waiting FNSTSW sees the pending error without faulting; FNCLEX clears
; it and a WAIT then passes. A masked divide by zero never faults. (The SDM
; also reports a pending error on a waiting arithmetic instruction such as
; FLD1; QEMU 7.2 checks only at FWAIT, so only FWAIT is tested.)
; expect-exit: 1
; expect: fdiv by zero: no trap
; expect: fnstsw: no trap sw&0x80bf=8084
; expect: fwait: #10 eip=site+0
; expect: after #MF sw&0x80bf=8084
; expect: after fnclex, fwait: no trap
; expect: masked fdiv, fwait: no trap sw&0x3f=0004
; expect: traps=1

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro mf 2+
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps
    mov eax, cr0
    and eax, ~((1 << 2) | (1 << 3))     ; EM=0 TS=0
    or eax, (1 << 1) | (1 << 5)         ; MP=1 NE=1
    mov cr0, eax

    fninit
    fldcw [cw_zm_unmasked]
    fld1
    fldz
    mf "fdiv by zero: ", fdivp st1, st0
    call newline
    mf "fnstsw: ", fnstsw ax
    and eax, 0x80BF
    print " sw&0x80bf="
    print_hex16 ax
    call newline
    mf "fwait: ", fwait
    call newline
    fnstsw ax
    and eax, 0x80BF
    print "after #MF sw&0x80bf="
    print_hex16 ax
    call newline
    fnclex
    mf "after fnclex, fwait: ", fwait
    call newline

    fninit                              ; every exception masked
    fld1
    fldz
    fdivp st1, st0
    mf "masked fdiv, fwait: ", fwait
    fnstsw ax
    and eax, 0x3F
    print " sw&0x3f="
    print_hex16 ax
    call newline

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

section .data
cw_zm_unmasked: dw 0x037B
