; sens_sldt_str_smsw: the store forms of SLDT, STR and SMSW at CPL 0. To a
; 16-bit register only the low half changes; to a 32-bit register SLDT and
; STR zero the upper half (P6 and later per the SDM); SMSW to a 32-bit
; register is checked in its low 16 bits only (the SDM leaves the rest
; undefined). To memory each writes exactly 16 bits, whatever the operand
; size prefix, at any alignment and through an ESP-based address.
; expect-exit: 1
; expect: sldt ax=ffff0038 sldt eax=00000038 o32 sldt [m+1]: ee 38 00 ee
; expect: str ax=ffff0040 str eax=00000040 o32 str [m+1]: ee 40 00 ee
; expect: smsw ax=ffff0033 smsw eax&ffff=0033 o32 smsw [m+1]: ee 33 00 ee
; expect: sldt [esp+2]: 0038 str [esp+2]: 0040 smsw [esp+2]: 0033

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro check 2                          ; text, instruction
    mov eax, 0xFFFFFFFF
    %2 ax
    print %1
    print " ax="
    print_hex32 eax
    mov eax, 0xFFFFFFFF
    %2 eax
    print " "
    print %str(%2)
    print " eax"
%endmacro

%macro mem_form 1                       ; instruction
    mov dword [m], 0xEEEEEEEE
    o32 %1 [m + 1]
    print " o32 "
    print %str(%1)
    print " [m+1]:"
    print " "
    print_hex8 [m]
    print " "
    print_hex8 [m + 1]
    print " "
    print_hex8 [m + 2]
    print " "
    print_hex8 [m + 3]
    call newline
%endmacro

main:
    call install_traps
    call setup_xgdt
    mov ax, XLDT
    lldt ax
    mov ax, XTSS
    ltr ax
    mov eax, 0x00000033                 ; PE MP ET NE
    mov cr0, eax

    check "sldt", sldt
    print "="
    print_hex32 eax
    mem_form sldt
    check "str", str
    print "="
    print_hex32 eax
    mem_form str
    check "smsw", smsw
    print "&ffff="
    print_hex16 ax
    mem_form smsw

    sub esp, 8
    mov ebp, esp
    mov dword [esp], 0xEEEEEEEE
    sldt [esp + 2]
    print "sldt [esp+2]: "
    print_hex16 [ebp + 2]
    str [esp + 2]
    print " str [esp+2]: "
    print_hex16 [ebp + 2]
    smsw [esp + 2]
    print " smsw [esp+2]: "
    print_hex16 [ebp + 2]
    add esp, 8
    call newline
    exit 0

section .bss
m:  resd 2
