; exc_gp: #GP (vector 13, a fault with an error code). INT n whose gate lies
; beyond the IDT limit: error vector*8+2 (IDT bit), also when the limit
; covers only part of the gate; the same vector works again once the limit
; covers it. MOVAPS load and store with a misaligned address:
; #GP(0); MOVUPS at the same address works. (WRMSR/RDMSR of an unknown MSR
; should give #GP(0) too, but QEMU 7.2's TCG ignores the write and reads 0:
; that case is in manual/sdm_msr_unknown.asm, for bt86 only.)
; expect-exit: 1
; expect: int 0x50, limit 0x27f: #0d err=00000282 eip=site+0
; expect: int 0x50, limit 0x286: #0d err=00000282 eip=site+0
; expect: int 0x50, limit 0x287: no trap eax=00000051
; expect: movaps xmm0, [buf+4]: #0d err=00000000 eip=site+0
; expect: movaps [buf+8], xmm0: #0d err=00000000 eip=site+0
; expect: movups xmm0, [buf+4]: no trap
; expect: traps=4

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro gp 2+
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
%endmacro

%macro set_idt_limit 1
    mov word [small_idtr], %1
    lidt [small_idtr]
%endmacro

main:
    call install_traps
    gate 0x50, h50, GATE_INTR
    mov eax, [idtr + 2]
    mov [small_idtr + 2], eax

    set_idt_limit 0x27F
    mov eax, 0x50
    gp "int 0x50, limit 0x27f: ", int 0x50
    call newline
    set_idt_limit 0x286
    gp "int 0x50, limit 0x286: ", int 0x50
    call newline
    set_idt_limit 0x287
    gp "int 0x50, limit 0x287: ", int 0x50
    print " eax="
    print_hex32 eax
    call newline
    call load_idt

    mov eax, cr0
    and eax, ~(1 << 2)
    or eax, (1 << 1) | (1 << 5)
    mov cr0, eax
    mov eax, cr4
    or eax, (1 << 9) | (1 << 10)
    mov cr4, eax
    gp "movaps xmm0, [buf+4]: ", movaps xmm0, [buf + 4]
    call newline
    gp "movaps [buf+8], xmm0: ", movaps [buf + 8], xmm0
    call newline
    gp "movups xmm0, [buf+4]: ", movups xmm0, [buf + 4]
    call newline

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

h50:
    inc eax
    iret

section .data
align 16
buf:    times 32 db 0
small_idtr:
    dw 0
    dd 0
