; sens_invd_wbinvd: INVD and WBINVD at CPL 0 do nothing visible: execution
; goes on at the next instruction, registers, flags and memory written just
; before are intact (guest RAM is coherent). Also inside a loop.
; expect-exit: 1
; expect: invd: eax=12345678 mem=cafef00d flags=00000cd5
; expect: wbinvd: eax=12345678 mem=cafef00d flags=00000cd5
; expect: 100 invd/wbinvd: ecx=00000000 ebx=000000c8

%include "guest.inc"

%macro check 1
    mov eax, 0x12345678
    mov dword [mem], 0xCAFEF00D
    push dword 0x0CD7
    popfd
    %1
    pushfd
    cld
    pop ebx
    and ebx, 0xFFFF & ~0x3202           ; drop bit 1, IF, IOPL
    print %str(%1)
    print ": eax="
    print_hex32 eax
    print " mem="
    print_hex32 [mem]
    print " flags="
    print_hex32 ebx
    call newline
%endmacro

main:
    check invd
    check wbinvd
    mov ecx, 100
    xor ebx, ebx
.loop:
    invd
    inc ebx
    wbinvd
    inc ebx
    loop .loop
    print "100 invd/wbinvd: ecx="
    print_hex32 ecx
    print " ebx="
    print_hex32 ebx
    call newline
    exit 0

section .bss
mem:    resd 1
