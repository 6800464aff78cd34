; exc_of: #OF (vector 4) from INTO is a trap: with OF=1 the saved EIP is the
; instruction after INTO and the saved EFLAGS has OF=1; with OF=0 INTO does
; nothing. INT 4 (CD 04) raises vector 4 whatever OF is.
; expect-exit: 1
; expect: into OF=0: no trap
; expect: into OF=1: #04 eip=site+1 saved OF=1
; expect: int 4 OF=0: #04 eip=site+2 saved OF=0
; expect: traps=2

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro saved_of 0
    print " saved OF="
    mov eax, [trap_eflags]
    shr eax, 11
    and eax, 1
    call put_dec
    call newline
%endmacro

main:
    call install_traps

    xor eax, eax                        ; OF=0
    TRY .r1
.s1: into
.r1:
    print "into OF=0: "
    report_trap .s1

    mov al, 0x7F
    add al, 1                           ; OF=1
    TRY .r2
.s2: into
.r2:
    print "into OF=1: "
    show_trap .s2
    saved_of

    xor eax, eax
    TRY .r3
.s3: int 4
.r3:
    print "int 4 OF=0: "
    show_trap .s3
    saved_of

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0
