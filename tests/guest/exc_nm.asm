; exc_nm: #NM (vector 7, a fault, no error code). CR0.TS=1: an x87
; instruction (FLD1, FNINIT), an SSE instruction (ADDPS) and an MMX one
; (PADDD mm) fault; WAIT faults only with CR0.MP=1. CR0.EM=1 (TS=0): an x87
; instruction faults, WAIT does not. After CLTS the x87 works again.
; expect-exit: 1
; expect: TS=1 fld1: #07 eip=site+0
; expect: TS=1 fninit: #07 eip=site+0
; expect: TS=1 addps: #07 eip=site+0
; expect: TS=1 paddd mm: #07 eip=site+0
; expect: TS=1 MP=1 wait: #07 eip=site+0
; expect: TS=1 MP=0 wait: no trap
; expect: EM=1 fld1: #07 eip=site+0
; expect: EM=1 fnstcw: #07 eip=site+0
; expect: EM=1 MP=1 wait: no trap
; expect: after clts: no trap sum=00000003
; expect: traps=7

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

CR0_MP equ 1 << 1
CR0_EM equ 1 << 2
CR0_TS equ 1 << 3
CR0_NE equ 1 << 5

%macro nm 2+
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
    call newline
%endmacro

%macro set_cr0 1                        ; bits to set in CR0 (MP EM TS NE cleared first)
    mov eax, cr0
    and eax, ~(CR0_MP | CR0_EM | CR0_TS | CR0_NE)
    or eax, %1
    mov cr0, eax
%endmacro

main:
    call install_traps
    set_cr0 CR0_MP | CR0_NE
    mov eax, cr4
    or eax, (1 << 9) | (1 << 10)
    mov cr4, eax
    fninit

    set_cr0 CR0_MP | CR0_NE | CR0_TS
    nm "TS=1 fld1: ", fld1
    nm "TS=1 fninit: ", fninit
    nm "TS=1 addps: ", addps xmm0, xmm1
    nm "TS=1 paddd mm: ", paddd mm0, mm1
    nm "TS=1 MP=1 wait: ", wait
    set_cr0 CR0_NE | CR0_TS
    nm "TS=1 MP=0 wait: ", wait

    set_cr0 CR0_NE | CR0_EM
    nm "EM=1 fld1: ", fld1
    nm "EM=1 fnstcw: ", fnstcw [cw]
    set_cr0 CR0_NE | CR0_EM | CR0_MP
    nm "EM=1 MP=1 wait: ", wait

    set_cr0 CR0_MP | CR0_NE | CR0_TS
    clts
    TRY .r
.s: fninit
    fld1
    fld1
    faddp
    fld1
    faddp
    fistp dword [sum]
.r:
    print "after clts: "
    show_trap .s
    print " sum="
    print_hex32 [sum]
    call newline

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

section .bss
cw:     resd 1
sum:    resd 1
