; sens_lds_les: LDS/LES/LFS/LGS/LSS at CPL 0 load a 32-bit offset into the
; register and a selector into the segment register from a 6-byte far
; pointer (offset first); with 66 a 16-bit offset and selector (4 bytes),
; leaving the register's upper half alone. A selector that fails the load
; checks faults with the register and the segment register unchanged:
; LDS with a not-present segment #NP(sel), LSS with null #GP(0), LES beyond
; the GDT limit #GP(sel). LDS/LES from an ESP-based address.
; expect-exit: 1
; expect: lds esi: esi=11223344 ds=0004
; expect: les edi=55667788 es=0028
; expect: lfs eax=99aabbcc fs=0050
; expect: lgs ebx=ddeeff00 gs=0004
; expect: lss ecx=12345678 ss=0004
; expect: o16 lfs dx: edx=eeee4321 fs=0010
; expect: lds esi <- 0030: #0b err=00000030 eip=site+0 esi=eeeeeeee ds=0010
; expect: lss ebp <- 0000: #0d err=00000000 eip=site+0 ebp=eeeeeeee ss=0010
; expect: les edi <- 01f8: #0d err=000001f8 eip=site+0 edi=eeeeeeee es=0010
; expect: les eax, [esp+4]: eax=0badf00d es=0004

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro show 4                           ; text, register, segment, restore?
    mov dx, %3
    mov [saved_reg], %2
    mov ax, XDATA
    mov %3, ax
    print %1
    print %str(%2)
    print "="
    print_hex32 [saved_reg]
    print " "
    print %str(%3)
    print "="
    print_hex16 dx
    call newline
%endmacro

%macro fault 4                          ; text, insn, register, segment
    mov %3, 0xEEEEEEEE
    TRY %%r
%%s: %2
%%r:
    mov [saved_reg], %3
    mov dx, %4
    print %1
    show_trap %%s
    print " "
    print %str(%3)
    print "="
    print_hex32 [saved_reg]
    print " "
    print %str(%4)
    print "="
    print_hex16 dx
    call newline
%endmacro

main:
    call install_traps
    call setup_xgdt
    mov ax, XLDT
    lldt ax

    lds esi, [p_lds]
    mov ax, ds
    mov dx, ax
    mov ax, XDATA
    mov ds, ax
    print "lds esi: esi="
    print_hex32 esi
    print " ds="
    print_hex16 dx
    call newline

    les edi, [p_les]
    show "les ", edi, es, 0
    lfs eax, [p_lfs]
    show "lfs ", eax, fs, 0
    lgs ebx, [p_lgs]
    show "lgs ", ebx, gs, 0
    lss ecx, [p_lss]
    show "lss ", ecx, ss, 0

    mov edx, 0xEEEEEEEE
    o16 lfs dx, [p16]
    mov [saved_reg], edx
    mov dx, fs
    print "o16 lfs dx: edx="
    print_hex32 [saved_reg]
    print " fs="
    print_hex16 dx
    call newline

    fault "lds esi <- 0030: ", {lds esi, [p_np]}, esi, ds
    fault "lss ebp <- 0000: ", {lss ebp, [p_null]}, ebp, ss
    fault "les edi <- 01f8: ", {les edi, [p_far]}, edi, es

    sub esp, 12
    mov dword [esp + 4], 0x0BADF00D
    mov word [esp + 8], LDATA
    les eax, [esp + 4]
    add esp, 12
    show "les eax, [esp+4]: ", eax, es, 0
    exit 0

section .data
p_lds:  dd 0x11223344
        dw LDATA
p_les:  dd 0x55667788
        dw XRODATA
p_lfs:  dd 0x99AABBCC
        dw XDATA3
p_lgs:  dd 0xDDEEFF00
        dw LDATA
p_lss:  dd 0x12345678
        dw LDATA
p16:    dw 0x4321, XDATA
p_np:   dd 0x1
        dw XNP
p_null: dd 0x1
        dw 0
p_far:  dd 0x1
        dw 0x1F8

section .bss
saved_reg:  resd 1
