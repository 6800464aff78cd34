; sens_ltr: LTR with an available 32-bit TSS descriptor loads TR and marks
; the descriptor busy in the GDT (type byte 0x89 -> 0x8b); STR reads the
; selector back, to a register and to memory (16 bits). LTR of a busy TSS,
; of a data descriptor and of a TI=1 selector give #GP(sel); LTR of a 16-bit
; available TSS works and marks it busy (0x81 -> 0x83). (LTR of the null
; selector is #GP(0) in the SDM, but QEMU 7.2 loads a null TR: that case is
; in manual/sdm_only.asm.)
; expect-exit: 1
; expect: before: XTSS type=89
; expect: ltr XTSS: no trap str=0040 [mem]=0040 eeee type=8b
; expect: ltr XTSS again (busy): #0d err=00000040 eip=site+0
; expect: ltr XDATA: #0d err=00000010 eip=site+0
; expect: ltr 0x44 (TI=1): #0d err=00000044 eip=site+0
; expect: ltr XTSS16: no trap str=0088 type=83 XTSS type=8b

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro try_ltr 2
    mov ax, %2
    TRY %%r
%%s: ltr ax
%%r:
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps
    call setup_xgdt

    print "before: XTSS type="
    print_hex8 [xgdt + XTSS + 5]
    call newline

    try_ltr "ltr XTSS: ", XTSS
    mov eax, 0xFFFFFFFF
    str ax
    print " str="
    print_hex16 ax
    mov dword [mem], 0xEEEEEEEE
    str [mem]
    print " [mem]="
    print_hex16 [mem]
    print " "
    print_hex16 [mem + 2]
    print " type="
    print_hex8 [xgdt + XTSS + 5]
    call newline

    try_ltr "ltr XTSS again (busy): ", XTSS
    call newline
    try_ltr "ltr XDATA: ", XDATA
    call newline
    try_ltr "ltr 0x44 (TI=1): ", XTSS | 4
    call newline
    try_ltr "ltr XTSS16: ", XTSS16
    str ax
    print " str="
    print_hex16 ax
    print " type="
    print_hex8 [xgdt + XTSS16 + 5]
    print " XTSS type="
    print_hex8 [xgdt + XTSS + 5]
    call newline
    exit 0

section .bss
mem:    resd 1
