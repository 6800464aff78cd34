; sens_invlpg: INVLPG at CPL 0 with paging off has no visible effect:
; execution continues, memory written before it reads back, registers and
; flags are intact; its operand is an address, never accessed (an address
; outside RAM does not fault). Also in a loop.
; expect-exit: 1
; expect: invlpg [mem]: mem=12345678 eax=abcdef01 flags=00000cd5
; expect: invlpg [0xfffff000]: continued
; expect: 100 invlpg: ecx=00000000

%include "guest.inc"

main:
    mov dword [mem], 0x12345678
    mov eax, 0xABCDEF01
    push dword 0x0CD7
    popfd
    invlpg [mem]
    pushfd
    cld
    pop ebx
    and ebx, 0xFFFF & ~0x3202
    print "invlpg [mem]: mem="
    print_hex32 [mem]
    print " eax="
    print_hex32 eax
    print " flags="
    print_hex32 ebx
    call newline

    mov esi, 0xFFFFF000
    invlpg [esi]
    println "invlpg [0xfffff000]: continued"

    mov ecx, 100
.loop:
    invlpg [mem + ecx * 4]
    loop .loop
    print "100 invlpg: ecx="
    print_hex32 ecx
    call newline
    exit 0

section .bss
mem:    resd 1
