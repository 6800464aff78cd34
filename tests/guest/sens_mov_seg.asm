; sens_mov_seg: MOV to and from segment registers at CPL 0, with every check
; of a segment load. DS/ES/FS/GS: null is allowed; beyond the GDT limit
; #GP(sel); not present #NP(sel); a system descriptor #GP(sel); execute-only
; code #GP(sel); readable code is allowed; DPL 0 data with RPL 3 #GP(sel);
; conforming readable code with RPL 3 is allowed. SS: null #GP(0), RPL or
; DPL != CPL #GP(sel), read-only data #GP(sel), code #GP(sel), not present
; #SS(sel). MOV CS is #UD. A faulting load leaves the register unchanged.
; MOV r32, Sreg zero-extends (P6 and later); MOV m16, Sreg writes 2 bytes.
; A data segment load sets the descriptor's accessed bit in the GDT.
; expect-exit: 1
; expect: ds <- 0000: no trap ds=0000
; expect: ds <- 01f8 (beyond limit): #0d err=000001f8 eip=site+0 ds=0010
; expect: ds <- 0030 (not present): #0b err=00000030 eip=site+0 ds=0010
; expect: ds <- 0040 (tss): #0d err=00000040 eip=site+0 ds=0010
; expect: ds <- 0038 (ldt): #0d err=00000038 eip=site+0 ds=0010
; expect: es <- 0020 (execute-only code): #0d err=00000020 eip=site+0 es=0010
; expect: es <- 0008 (readable code): no trap es=0008
; expect: fs <- 0013 (DPL 0, RPL 3): #0d err=00000010 eip=site+0 fs=0010
; expect: gs <- 001b (conforming, RPL 3): no trap gs=001b
; expect: gs <- 0050 (DPL 3 data): no trap gs=0050
; expect: ss <- 0000: #0d err=00000000 eip=site+0 ss=0010
; expect: ss <- 0050 (DPL 3): #0d err=00000050 eip=site+0 ss=0010
; expect: ss <- 0013 (RPL 3): #0d err=00000010 eip=site+0 ss=0010
; expect: ss <- 0028 (read-only): #0d err=00000028 eip=site+0 ss=0010
; expect: ss <- 0008 (code): #0d err=00000008 eip=site+0 ss=0010
; expect: ss <- 0030 (not present): #0c err=00000030 eip=site+0 ss=0010
; expect: ss <- 0004 (LDT data): no trap ss=0004
; expect: mov cs, ax: #06 eip=site+0
; expect: mov eax, ds: 00000010 mov [m], es: 10 00 ee ee
; expect: accessed bit of 0x80 (DPL 1 data) before: 0 after mov es: 1

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro load 3                           ; text, segment, selector
    mov ax, %3
    TRY %%r
%%s: mov %2, ax
%%r:
    mov dx, %2
    mov ax, XDATA
    mov %2, ax
    print %1
    show_trap %%s
    print " "
    print %str(%2)
    print "="
    print_hex16 dx
    call newline
%endmacro

main:
    call install_traps
    call setup_xgdt
    mov ax, XLDT
    lldt ax

    load "ds <- 0000: ", ds, 0
    load "ds <- 01f8 (beyond limit): ", ds, 0x1F8
    load "ds <- 0030 (not present): ", ds, XNP
    load "ds <- 0040 (tss): ", ds, XTSS
    load "ds <- 0038 (ldt): ", ds, XLDT
    load "es <- 0020 (execute-only code): ", es, XEXEC
    load "es <- 0008 (readable code): ", es, XCODE
    load "fs <- 0013 (DPL 0, RPL 3): ", fs, XDATA | 3
    load "gs <- 001b (conforming, RPL 3): ", gs, XCONF | 3
    load "gs <- 0050 (DPL 3 data): ", gs, XDATA3
    load "ss <- 0000: ", ss, 0
    load "ss <- 0050 (DPL 3): ", ss, XDATA3
    load "ss <- 0013 (RPL 3): ", ss, XDATA | 3
    load "ss <- 0028 (read-only): ", ss, XRODATA
    load "ss <- 0008 (code): ", ss, XCODE
    load "ss <- 0030 (not present): ", ss, XNP
    load "ss <- 0004 (LDT data): ", ss, LDATA

    mov ax, XCODE
    TRY .r
.s: db 0x8E, 0xC8                       ; mov cs, ax
.r:
    print "mov cs, ax: "
    report_trap .s

    mov eax, 0xFFFFFFFF
    mov eax, ds
    mov dword [m], 0xEEEEEEEE
    o32 mov [m], es
    print "mov eax, ds: "
    print_hex32 eax
    print " mov [m], es: "
    print_hex8 [m]
    print " "
    print_hex8 [m + 1]
    print " "
    print_hex8 [m + 2]
    print " "
    print_hex8 [m + 3]
    call newline

    print "accessed bit of 0x80 (DPL 1 data) before: "
    movzx eax, byte [xgdt + XDATA1 + 5]
    and eax, 1
    print_dec eax
    mov ax, XDATA1 | 1
    mov es, ax
    print " after mov es: "
    movzx eax, byte [xgdt + XDATA1 + 5]
    and eax, 1
    print_dec eax
    call newline
    mov ax, XDATA
    mov es, ax
    exit 0

section .bss
m:  resd 1
