; exc_np: a not-present IDT gate raises #NP (vector 11, a fault) with an
; error code naming the gate: vector*8 + 2 (IDT bit). INT 0x40 through a
; gate with P=0 gives 0x202 and the saved EIP is the INT; INT3 through a
; not-present vector 3 gives 0x1a; INT 0xFF gives 0x7fa. A #UD whose gate
; is not present becomes #NP with 0x32 plus the EXT bit (bit 0); the SDM
; sets EXT for an exception and QEMU 7.2 does not, so only err & ~1 is
; printed for that case.
; expect-exit: 1
; expect: int 0x40, gate P=0: #0b err=00000202 eip=site+0
; expect: int3, gate 3 P=0: #0b err=0000001a eip=site+0
; expect: int 0xff, gate P=0: #0b err=000007fa eip=site+0
; expect: ud2, gate 6 P=0: vector=0b err&~1=00000032 eip=site+0
; expect: int 0x40 after setting P: handler ran, eax=00000041
; expect: traps=4

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro np 2+
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
    call newline
%endmacro

main:
    call install_traps
    gate 0x40, h40, 0x0E                ; 32-bit interrupt gate, P=0
    gate 0xFF, h40, 0x0E
    gate 3, h40, 0x0E

    np "int 0x40, gate P=0: ", int 0x40
    np "int3, gate 3 P=0: ", int3
    np "int 0xff, gate P=0: ", int 0xFF

    gate 6, h40, 0x0E
    TRY .r
.s: ud2
.r:
    print "ud2, gate 6 P=0: vector="
    print_hex8 [trap_vec]
    print " err&~1="
    mov eax, [trap_err]
    and eax, ~1
    call put_hex32
    print " eip=site+"
    mov eax, [trap_eip]
    sub eax, .s
    call put_dec
    call newline

    gate 0x40, h40, GATE_INTR
    mov eax, 0x40
    int 0x40
    print "int 0x40 after setting P: handler ran, eax="
    print_hex32 eax
    call newline

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

h40:
    inc eax
    iret
