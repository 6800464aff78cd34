; sens_arpl: ARPL r/m16, r16 (the Arpl row; MOVSXD in 64-bit mode, so bt86
; emulates it): when the destination's RPL is below the source's, it is
; raised to it and ZF=1; otherwise nothing changes and ZF=0. Register and
; memory destinations; the register's upper half and the other flags stay.
; expect-exit: 1
; expect: arpl ax=0008, bx=0003: ax=000b ZF=1 eax.hi=1234
; expect: arpl ax=000b, bx=0001: ax=000b ZF=0
; expect: arpl ax=0012, bx=0002: ax=0012 ZF=0
; expect: arpl [m]=0010, cx=0013: [m]=0013 ZF=1 next word=eeee
; expect: CF kept: 1

%include "guest.inc"

%macro zf 0
    pushfd
    pop edx
    shr edx, 6
    and edx, 1
    print " ZF="
    print_dec edx
%endmacro

%macro case 3                           ; ax, bx, text
    mov eax, 0x12340000 | %1
    mov ebx, %2
    arpl ax, bx
    pushfd
    mov esi, eax
    print %3
    print "ax="
    movzx eax, si
    mov ecx, 4
    call put_hex_digits
    popfd
    zf
%endmacro

main:
    case 0x0008, 3, "arpl ax=0008, bx=0003: "
    print " eax.hi="
    mov eax, esi
    shr eax, 16
    mov ecx, 4
    call put_hex_digits
    call newline
    case 0x000B, 1, "arpl ax=000b, bx=0001: "
    call newline
    case 0x0012, 2, "arpl ax=0012, bx=0002: "
    call newline

    mov dword [m], 0xEEEE0010
    mov ecx, 0x13
    arpl [m], cx
    pushfd
    print "arpl [m]=0010, cx=0013: [m]="
    movzx eax, word [m]
    mov ecx, 4
    call put_hex_digits
    popfd
    zf
    print " next word="
    movzx eax, word [m + 2]
    mov ecx, 4
    call put_hex_digits
    call newline

    stc
    mov ax, 8
    mov bx, 3
    arpl ax, bx
    setc al
    movzx eax, al
    print "CF kept: "
    print_dec eax
    call newline
    exit 0

section .bss
m:  resd 1
