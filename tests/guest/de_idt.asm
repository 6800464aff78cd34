; de_idt: divide errors raise #DE (vector 0, a fault: saved EIP = the DIV)
; through the guest's IDT, with the registers the DIV would write left
; unchanged. Covers DIV r32 by zero, IDIV quotient overflow (INT_MIN / -1),
; DIV r8 quotient overflow, DIV m32 by zero, then a DIV that succeeds.
; expect-exit: 1
; expect: #DE vector=00 eip=site+0 cs ok
; expect: div ecx by 0: eax=00001234 edx=00000000
; expect: #DE vector=00 eip=site+0 cs ok
; expect: idiv int_min/-1: eax=80000000 edx=ffffffff
; expect: #DE vector=00 eip=site+0 cs ok
; expect: div bl overflow: eax=00001000
; expect: #DE vector=00 eip=site+0 cs ok
; expect: div [zero]: eax=00000063 edx=00000001
; expect: 100/7: eax=0000000e edx=00000002
; expect: de count=4

%include "guest.inc"
%include "idt.inc"

; expect_de instruction, length: run an instruction that must raise #DE.
%macro expect_de 2
    mov dword [site], %%at
    mov dword [skip], %2
%%at:
    %1
%endmacro

main:
    call setup_gdt
    gate 0, de_handler, GATE_INTR
    call load_idt

    mov eax, 0x1234
    xor edx, edx
    xor ecx, ecx
    expect_de {div ecx}, 2
    print "div ecx by 0: eax="
    print_hex32 eax
    print " edx="
    print_hex32 edx
    call newline

    mov eax, 0x80000000
    cdq
    mov ecx, -1
    expect_de {idiv ecx}, 2
    print "idiv int_min/-1: eax="
    print_hex32 eax
    print " edx="
    print_hex32 edx
    call newline

    mov eax, 0x1000
    mov bl, 0x10
    expect_de {div bl}, 2
    print "div bl overflow: eax="
    print_hex32 eax
    call newline

    mov eax, 99
    mov edx, 1
    expect_de {div dword [zero]}, 6
    print "div [zero]: eax="
    print_hex32 eax
    print " edx="
    print_hex32 edx
    call newline

    mov eax, 100
    xor edx, edx
    mov ecx, 7
    div ecx
    print "100/7: eax="
    print_hex32 eax
    print " edx="
    print_hex32 edx
    call newline

    print "de count="
    print_dec [de_count]
    call newline
    exit 0

; #DE has no error code: [esp] = EIP, [esp+4] = CS, [esp+8] = EFLAGS.
de_handler:
    push eax
    inc dword [de_count]
    print "#DE vector=00 eip=site+"
    mov eax, [esp + 4]
    sub eax, [site]
    print_dec eax
    mov eax, [esp + 8]
    cmp ax, CODE_SEL
    jne .bad_cs
    println " cs ok"
    jmp .resume
.bad_cs:
    println " cs WRONG"
.resume:
    mov eax, [skip]
    add [esp + 4], eax
    pop eax
    iret

section .data
zero:       dd 0

section .bss
site:       resd 1
skip:       resd 1
de_count:   resd 1
