; exc_de: #DE (vector 0) is a fault: the saved EIP is the faulting
; instruction and the destination registers are unchanged. DIV r32 by zero,
; DIV m8 by zero, IDIV INT_MIN / -1 (quotient overflow), IDIV r16 overflow,
; AAM 0 (D4 00), and an AAM 10 that works.
; expect-exit: 1
; expect: div ecx=0: #00 eip=site+0 eax=00001234 edx=00005678
; expect: div byte [zero]: #00 eip=site+0 eax=00000077
; expect: idiv int_min/-1: #00 eip=site+0 eax=80000000 edx=ffffffff
; expect: idiv cx overflow: #00 eip=site+0 eax=00008000 edx=0000ffff
; expect: aam 0: #00 eip=site+0 eax=0000004d
; expect: aam 10: no trap eax=00000707
; expect: traps=5

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro regs 0
    print " eax="
    print_hex32 eax
    print " edx="
    print_hex32 edx
    call newline
%endmacro

main:
    call install_traps

    mov eax, 0x1234
    mov edx, 0x5678
    xor ecx, ecx
    TRY .r1
.s1: div ecx
.r1:
    print "div ecx=0: "
    show_trap .s1
    regs

    mov eax, 0x77
    TRY .r2
.s2: div byte [zero]
.r2:
    print "div byte [zero]: "
    show_trap .s2
    print " eax="
    print_hex32 eax
    call newline

    mov eax, 0x80000000
    cdq
    mov ecx, -1
    TRY .r3
.s3: idiv ecx
.r3:
    print "idiv int_min/-1: "
    show_trap .s3
    regs

    mov eax, 0x8000
    mov edx, 0xFFFF
    mov ecx, 0xFFFF
    TRY .r4
.s4: idiv cx
.r4:
    print "idiv cx overflow: "
    show_trap .s4
    regs

    mov eax, 0x4D
    TRY .r5
.s5: db 0xD4, 0x00                      ; aam 0
.r5:
    print "aam 0: "
    show_trap .s5
    print " eax="
    print_hex32 eax
    call newline

    mov eax, 0x4D                       ; 77 = 7*10 + 7
    TRY .r6
.s6: aam
.r6:
    print "aam 10: "
    show_trap .s6
    print " eax="
    print_hex32 eax
    call newline

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

section .data
zero:   dd 0
