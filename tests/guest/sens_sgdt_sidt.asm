; sens_sgdt_sidt: SGDT and SIDT store exactly 6 bytes (16-bit limit, then
; the 32-bit base) at any alignment; the bytes around are untouched. The
; stores work through every addressing form, including an ESP-based one.
; (The 16-bit operand-size forms are not tested: QEMU 7.2 stores a 24-bit
; base with a zero top byte, the current SDM stores the full base.)
; expect-exit: 1
; expect: sgdt [buf+3]: ee ee ee 17 00 gdt+0 ee ee ee
; expect: sidt [buf+1]: ee 21 43 78 56 34 12 ee ee ee ee
; expect: sgdt [esp+2]: limit=0017 base=gdt+0
; expect: sidt [ebx+esi*2+1]: limit=4321 base=12345678

%include "guest.inc"
%include "idt.inc"

%macro fill 0
    mov dword [buf], 0xEEEEEEEE
    mov dword [buf + 4], 0xEEEEEEEE
    mov dword [buf + 8], 0xEEEEEEEE
    mov dword [buf + 12], 0xEEEEEEEE
%endmacro

%macro bytes 2                          ; first, count
%assign i %1
%rep %2
    print " "
    print_hex8 [buf + i]
%assign i i + 1
%endrep
%endmacro

main:
    call setup_gdt
    fill
    sgdt [buf + 3]
    print "sgdt [buf+3]:"
    bytes 0, 5
    print " gdt+"
    mov eax, [buf + 5]
    sub eax, gdt
    call put_dec
    bytes 9, 3
    call newline

    lidt [myidt]
    fill
    sidt [buf + 1]
    print "sidt [buf+1]:"
    bytes 0, 11
    call newline

    sub esp, 12
    sgdt [esp + 2]
    print "sgdt [esp+2]: limit="
    movzx eax, word [esp + 2]
    push ecx
    mov ecx, 4
    call put_hex_digits
    pop ecx
    print " base=gdt+"
    mov eax, [esp + 4]
    sub eax, gdt
    call put_dec
    call newline
    add esp, 12

    fill
    mov ebx, buf
    mov esi, 2
    sidt [ebx + esi * 2 + 1]
    print "sidt [ebx+esi*2+1]: limit="
    movzx eax, word [buf + 5]
    mov ecx, 4
    call put_hex_digits
    print " base="
    print_hex32 [buf + 7]
    call newline
    call load_idt
    exit 0

section .data
myidt:  dw 0x4321
        dd 0x12345678

section .bss
buf:    resb 16
