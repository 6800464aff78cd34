; sens_push_pop_seg: PUSH and POP of segment registers at CPL 0. PUSH of
; CS/SS/DS/ES/FS/GS moves ESP by 4 (2 with 66) and stores the selector; only
; the low 16 bits of a 4-byte slot are printed: the SDM lets the CPU either
; zero-extend or do a 16-bit move that keeps the slot's upper half (recent
; Intel parts), QEMU 7.2 zero-extends, so the upper half is not compared.
; POP into DS/ES/FS/GS/SS loads the selector with every check and ignores
; the slot's upper half; a faulting POP leaves ESP and the register as they
; were: beyond the GDT limit #GP(sel), not present #NP(sel), null into SS
; #GP(0), execute-only code #GP(sel). Null into DS/ES/FS/GS is allowed.
; expect-exit: 1
; expect: push cs=0008 ss=0010 ds=0010 es=0010 fs=0010 gs=0010 esp-24
; expect: o16 push ds: esp-2 word=0010
; expect: pop ds/es/fs/gs <- 00000004 (LDT data): 0004 0004 0004 0004 esp+16
; expect: pop ss <- abcd0004 (upper ignored): ss=0004 then ss=0010
; expect: o16 pop es <- 0028: es=0028 esp+2
; expect: pop ds <- 0000: no trap ds=0000
; expect: pop ds <- 01f8: #0d err=000001f8 eip=site+0 esp+0 ds=0010
; expect: pop es <- 0030: #0b err=00000030 eip=site+0 esp+0 es=0010
; expect: pop ss <- 0000: #0d err=00000000 eip=site+0 esp+0 ss=0010
; expect: pop fs <- 0020: #0d err=00000020 eip=site+0 esp+0 fs=0010

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro pop_fault 3                      ; text, segment, selector
    mov ebx, esp
    push dword %3
    TRY %%r
%%s: pop %2
%%r:
    lea ecx, [esp + 4]
    sub ecx, ebx                        ; ESP movement of the POP (0 if it faulted)
    mov esp, ebx
    print %1
    show_trap %%s
    print " esp+"
    print_dec ecx
    mov ax, %2
    print " "
    print %str(%2)
    print "="
    print_hex16 ax
    call newline
%endmacro

main:
    call install_traps
    call setup_xgdt
    mov ax, XLDT
    lldt ax

    mov ebx, esp
    push cs
    push ss
    push ds
    push es
    push fs
    push gs
    mov ecx, ebx
    sub ecx, esp
    mov ebp, esp
    print "push cs="
    print_hex16 [ebp + 20]
    print " ss="
    print_hex16 [ebp + 16]
    print " ds="
    print_hex16 [ebp + 12]
    print " es="
    print_hex16 [ebp + 8]
    print " fs="
    print_hex16 [ebp + 4]
    print " gs="
    print_hex16 [ebp]
    print " esp-"
    print_dec ecx
    call newline
    mov esp, ebx

    o16 push ds
    mov ecx, ebx
    sub ecx, esp
    movzx edx, word [esp]
    mov esp, ebx
    print "o16 push ds: esp-"
    print_dec ecx
    print " word="
    print_hex16 dx
    call newline

    push dword LDATA
    push dword LDATA
    push dword LDATA
    push dword LDATA
    mov ecx, esp
    pop ds
    pop es
    pop fs
    pop gs
    neg ecx
    add ecx, esp
    mov dx, ds
    mov ax, XDATA
    mov ds, ax
    print "pop ds/es/fs/gs <- 00000004 (LDT data): "
    print_hex16 dx
    mov ax, es
    print " "
    print_hex16 ax
    mov ax, fs
    print " "
    print_hex16 ax
    mov ax, gs
    print " "
    print_hex16 ax
    print " esp+"
    print_dec ecx
    call newline
    mov ax, XDATA
    mov es, ax
    mov fs, ax
    mov gs, ax

    push dword 0xABCD0000 | LDATA
    pop ss
    mov dx, ss
    mov ax, XDATA
    mov ss, ax
    mov ax, ss
    print "pop ss <- abcd0004 (upper ignored): ss="
    print_hex16 dx
    print " then ss="
    print_hex16 ax
    call newline

    o16 push word XRODATA
    mov ecx, esp
    o16 pop es
    sub ecx, esp
    neg ecx
    mov ax, es
    print "o16 pop es <- 0028: es="
    print_hex16 ax
    print " esp+"
    print_dec ecx
    call newline
    mov ax, XDATA
    mov es, ax

    push dword 0
    TRY .r0
.s0: pop ds
.r0:
    mov dx, ds
    mov ax, XDATA
    mov ds, ax
    mov esp, ebx
    print "pop ds <- 0000: "
    show_trap .s0
    print " ds="
    print_hex16 dx
    call newline

    pop_fault "pop ds <- 01f8: ", ds, 0x1F8
    pop_fault "pop es <- 0030: ", es, XNP
    pop_fault "pop ss <- 0000: ", ss, 0
    pop_fault "pop fs <- 0020: ", fs, XEXEC
    exit 0
