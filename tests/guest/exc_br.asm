; exc_br: BOUND (62 /r) checks a signed index against [lower, upper] in
; memory and raises #BR (vector 5, a fault: saved EIP = the BOUND) when it
; is outside. 32-bit and 16-bit (66) forms, both edges, negative bounds.
; expect-exit: 1
; expect: bound 10 in [10,20]: no trap
; expect: bound 20 in [10,20]: no trap
; expect: bound 9 in [10,20]: #05 eip=site+0 eax=00000009
; expect: bound 21 in [10,20]: #05 eip=site+0 eax=00000015
; expect: bound -5 in [-10,-1]: no trap
; expect: bound 0 in [-10,-1]: #05 eip=site+0
; expect: bound ax=0x8000 in 16-bit [-32768,0]: no trap
; expect: bound ax=1 in 16-bit [-32768,0]: #05 eip=site+0
; expect: traps=4

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro check 4                          ; text, index, bounds, operand
    mov eax, %2
    TRY %%r
%%s: bound %4, [%3]
%%r:
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps

    check "bound 10 in [10,20]: ", 10, b32, eax
    call newline
    check "bound 20 in [10,20]: ", 20, b32, eax
    call newline
    check "bound 9 in [10,20]: ", 9, b32, eax
    print " eax="
    print_hex32 eax
    call newline
    check "bound 21 in [10,20]: ", 21, b32, eax
    print " eax="
    print_hex32 eax
    call newline
    check "bound -5 in [-10,-1]: ", -5, bneg, eax
    call newline
    check "bound 0 in [-10,-1]: ", 0, bneg, eax
    call newline
    check "bound ax=0x8000 in 16-bit [-32768,0]: ", 0x8000, b16, ax
    call newline
    check "bound ax=1 in 16-bit [-32768,0]: ", 1, b16, ax
    call newline

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

section .data
b32:    dd 10, 20
bneg:   dd -10, -1
b16:    dw 0x8000, 0
