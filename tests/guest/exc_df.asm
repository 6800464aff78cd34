; exc_df: double fault (vector 8, error code 0; the saved EIP is undefined
; by the SDM, so it is not printed). Contributory then contributory gives
; #DF, benign then contributory does not:
;  - INT 0x40 with gate 0x40 not present, and the #NP gate not present:
;    #NP during #NP delivery -> #DF;
;  - DIV by zero with gate 0 not present (the #NP gate present): #DE then
;    #NP -> #DF;
;  - INT 0x50 beyond an IDT limit that also excludes the #GP gate: #GP
;    during #GP delivery -> #DF;
;  - UD2 with gate 6 not present (#UD is benign): a plain #NP, err&~1 0x32.
; expect-exit: 1
; expect: np during np: vector=08 err=00000000
; expect: de then np: vector=08 err=00000000
; expect: gp during gp: vector=08 err=00000000
; expect: ud then np: vector=0b err&~1=00000032
; expect: traps=4

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro show_vec_err 0
    print "vector="
    print_hex8 [trap_vec]
    print " err="
    print_hex32 [trap_err]
    call newline
%endmacro

main:
    call install_traps

    gate 0x40, h40, 0x0E                ; not present
    gate 11, trap_stub_11, 0x0E         ; #NP gate not present
    TRY .r1
    int 0x40
.r1:
    print "np during np: "
    show_vec_err
    gate 11, trap_stub_11, GATE_INTR

    gate 0, trap_stub_0, 0x0E
    xor ecx, ecx
    TRY .r2
    div ecx
.r2:
    print "de then np: "
    show_vec_err
    gate 0, trap_stub_0, GATE_INTR

    mov eax, [idtr + 2]
    mov [small_idtr + 2], eax
    lidt [small_idtr]                   ; gates 0-12 only
    TRY .r3
    int 0x50
.r3:
    call load_idt
    print "gp during gp: "
    show_vec_err

    gate 6, trap_stub_6, 0x0E
    TRY .r4
    ud2
.r4:
    print "ud then np: vector="
    print_hex8 [trap_vec]
    print " err&~1="
    mov eax, [trap_err]
    and eax, ~1
    call put_hex32
    call newline

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

h40:
    iret

section .data
small_idtr:
    dw 13 * 8 - 1
    dd 0
