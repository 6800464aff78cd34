; exc_xm: SIMD floating-point exception. With ZM cleared in MXCSR and
; CR4.OSXMMEXCPT=1, DIVSS by zero raises #XM (vector 19, a fault, no error
; code): the saved EIP is the DIVSS, the destination is unchanged and
; MXCSR.ZE is set. With OSXMMEXCPT=0 the same instruction raises #UD
; instead. With ZM set it does not fault and gives +infinity.
; Not in the shared runner: QEMU 7.2's TCG never raises #XM (nor the #UD
; for OSXMMEXCPT=0): it computes +infinity and only sets MXCSR.ZE. The
; expectations below are the SDM's, for bt86 alone.
; expect-exit: 1
; expect: divss unmasked, OSXMMEXCPT=1: #13 eip=site+0 xmm0=3f800000 mxcsr=00001d84
; expect: divss unmasked, OSXMMEXCPT=0: #06 eip=site+0 xmm0=3f800000 mxcsr=00001d84
; expect: divpd unmasked, OSXMMEXCPT=1: #13 eip=site+0 mxcsr=00001d84
; expect: divss masked: no trap xmm0=7f800000 mxcsr=00001f84
; expect: traps=3

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro xm 2+
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
%endmacro

%macro show_xmm0_mxcsr 0
    movd eax, xmm0
    print " xmm0="
    print_hex32 eax
    stmxcsr [csr]
    print " mxcsr="
    print_hex32 [csr]
    call newline
%endmacro

%macro set_cr4_xmm 1                    ; OSXMMEXCPT value
    mov eax, cr4
    and eax, ~(1 << 10)
    or eax, (1 << 9) | (%1 << 10)
    mov cr4, eax
%endmacro

main:
    call install_traps
    mov eax, cr0
    and eax, ~((1 << 2) | (1 << 3))
    or eax, (1 << 1) | (1 << 5)
    mov cr0, eax
    set_cr4_xmm 1

    ldmxcsr [csr_zm_unmasked]
    movss xmm0, [one]
    xorps xmm1, xmm1
    xm "divss unmasked, OSXMMEXCPT=1: ", divss xmm0, xmm1
    show_xmm0_mxcsr

    set_cr4_xmm 0
    ldmxcsr [csr_zm_unmasked]
    xm "divss unmasked, OSXMMEXCPT=0: ", divss xmm0, xmm1
    show_xmm0_mxcsr

    set_cr4_xmm 1
    ldmxcsr [csr_zm_unmasked]
    movapd xmm2, [ones_pd]
    xm "divpd unmasked, OSXMMEXCPT=1: ", divpd xmm2, xmm1
    stmxcsr [csr]
    print " mxcsr="
    print_hex32 [csr]
    call newline

    ldmxcsr [csr_default]
    xm "divss masked: ", divss xmm0, xmm1
    show_xmm0_mxcsr

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

section .data
align 16
ones_pd:            dq 1.0, 1.0
one:                dd 1.0
csr_zm_unmasked:    dd 0x1D80
csr_default:        dd 0x1F80
csr:                dd 0
