; sens_lldt: LLDT with an LDT descriptor of the GDT (type 2), SLDT to a
; register and to memory; then segment loads with TI=1 selectors go through
; the LDT: a data segment into ES (read and write through it), a code
; segment by a far jump; an LDT selector beyond the LDT's limit gives
; #GP(sel), a not-present LDT entry #NP(sel). LLDT of a data descriptor or
; of a TI=1 selector is #GP(sel); LLDT 0 makes the LDTR null, and a TI=1
; load then gives #GP(sel).
; expect-exit: 1
; expect: sldt ax=0038 [mem]=0038 eeee
; expect: es=0004 read through es: 600dcafe write: 00000042
; expect: far jmp to LCODE: cs=000c
; expect: es <- 0x24 (beyond LDT limit): #0d err=00000024 eip=site+0 es=0004
; expect: es <- LNP: #0b err=0000001c eip=site+0
; expect: lldt XDATA: #0d err=00000010 eip=site+0 ldtr=0038
; expect: lldt 0x3c (TI=1): #0d err=0000003c eip=site+0
; expect: lldt 0: no trap ldtr=0000
; expect: es <- 0x04 with null LDTR: #0d err=00000004 eip=site+0

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro try_load 3                       ; text, segment, selector
    mov ax, %3
    TRY %%r
%%s: mov %2, ax
%%r:
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps
    call setup_xgdt

    mov ax, XLDT
    lldt ax
    mov eax, 0xFFFFFFFF
    sldt ax
    mov dword [mem], 0xEEEEEEEE
    sldt [mem]
    print "sldt ax="
    print_hex16 ax
    print " [mem]="
    print_hex16 [mem]
    print " "
    print_hex16 [mem + 2]
    call newline

    mov ax, LDATA
    mov es, ax
    mov ax, es
    print "es="
    print_hex16 ax
    print " read through es: "
    print_hex32 [es:value]
    mov dword [es:mem], 0x42
    print " write: "
    print_hex32 [mem]
    call newline

    jmp LCODE:.in_ldt_code
.in_ldt_code:
    mov ax, cs
    jmp XCODE:.back
.back:
    print "far jmp to LCODE: cs="
    print_hex16 ax
    call newline

    try_load "es <- 0x24 (beyond LDT limit): ", es, 0x24
    mov ax, es
    print " es="
    print_hex16 ax
    call newline
    try_load "es <- LNP: ", es, LNP
    call newline

    mov ax, XDATA
    TRY .r1
.s1: lldt ax
.r1:
    print "lldt XDATA: "
    show_trap .s1
    sldt ax
    print " ldtr="
    print_hex16 ax
    call newline

    mov ax, XLDT | 4
    TRY .r2
.s2: lldt ax
.r2:
    print "lldt 0x3c (TI=1): "
    show_trap .s2
    call newline

    xor eax, eax
    TRY .r3
.s3: lldt ax
.r3:
    print "lldt 0: "
    show_trap .s3
    mov eax, 0xFFFF
    sldt ax
    print " ldtr="
    print_hex16 ax
    call newline

    try_load "es <- 0x04 with null LDTR: ", es, 0x04
    call newline
    mov ax, XDATA
    mov es, ax
    exit 0

section .data
value:  dd 0x600DCAFE
mem:    dd 0
