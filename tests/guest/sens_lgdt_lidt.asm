; sens_lgdt_lidt: LGDT/LIDT load the limit and the 32-bit base, SGDT/SIDT
; give them back (6 bytes: limit, base). With a 16-bit operand size (66)
; LGDT/LIDT load only a 24-bit base (bits 31:24 become 0). The GDT base is
; printed as an offset from the table so that link addresses do not matter.
; Descriptor loads after a final LGDT use the new table.
; expect-exit: 1
; expect: lgdt: limit=0017 base=gdt+0
; expect: lidt: limit=1234 base=12345678
; expect: lidt limit 0: limit=0000 base=fffffff0
; expect: o16 lgdt: limit=ffff base=00bbccdd
; expect: o16 lidt: limit=0abc base=00332211
; expect: lgdt [unaligned]: limit=0027 base=gdt2+0
; expect: mov ds from new gdt: ok, ds=0020

%include "guest.inc"
%include "idt.inc"

%macro show_gdtr 1
    sgdt [out]
    print %1
    print "limit="
    print_hex16 [out]
%endmacro

%macro show_idtr 1
    sidt [out]
    print %1
    print "limit="
    print_hex16 [out]
    print " base="
    print_hex32 [out + 2]
    call newline
%endmacro

print_hex16_helper:
    push ecx
    mov ecx, 4
    call put_hex_digits
    pop ecx
    ret

%macro print_hex16 1
    push eax
    movzx eax, word %1
    call print_hex16_helper
    pop eax
%endmacro

main:
    call setup_gdt
    show_gdtr "lgdt: "
    print " base=gdt+"
    mov eax, [out + 2]
    sub eax, gdt
    call put_dec
    call newline

    lidt [idt1]
    show_idtr "lidt: "
    lidt [idt2]
    show_idtr "lidt limit 0: "

    o16 lgdt [g16]
    show_gdtr "o16 lgdt: "
    print " base="
    print_hex32 [out + 2]
    call newline
    o16 lidt [i16]
    show_idtr "o16 lidt: "

    lgdt [gdtr2_unaligned + 1]
    show_gdtr "lgdt [unaligned]: "
    print " base=gdt2+"
    mov eax, [out + 2]
    sub eax, gdt2
    call put_dec
    call newline
    mov ax, 0x20
    mov ds, ax
    mov ax, ds
    print "mov ds from new gdt: ok, ds="
    print_hex16 ax
    call newline
    mov ax, DATA_SEL
    mov ds, ax
    exit 0

section .data
idt1:   dw 0x1234
        dd 0x12345678
idt2:   dw 0
        dd 0xFFFFFFF0
g16:    dw 0xFFFF
        dd 0xAABBCCDD
i16:    dw 0x0ABC
        dd 0x44332211
align 8
gdt2:
    dq 0
    dq 0x00CF9A000000FFFF
    dq 0x00CF92000000FFFF
    dq 0
    dq 0x00CF92000000FFFF               ; 0x20: data
gdt2_end:
gdtr2_unaligned:
    db 0
    dw gdt2_end - gdt2 - 1
    dd gdt2

section .bss
out:    resb 8
