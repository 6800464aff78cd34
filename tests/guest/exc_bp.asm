; exc_bp: #BP (vector 3) is a trap: INT3 (CC) and INT 3 (CD 03) save the EIP
; of the next instruction; registers and arithmetic flags pass through; a
; handler IRET resumes there. Also INT3 inside a loop, run translated.
; expect-exit: 1
; expect: int3: #03 eip=site+1 eax=11223344 CF=1 ZF=1
; expect: int 3: #03 eip=site+2 eax=11223344 CF=0 ZF=0
; expect: loop of 100 int3: traps=102 ecx=00000000

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro show_cf_zf 0
    print " eax="
    print_hex32 eax
    print " CF="
    mov eax, [fl]
    and eax, 1
    call put_dec
    print " ZF="
    mov eax, [fl]
    shr eax, 6
    and eax, 1
    call put_dec
    call newline
%endmacro

main:
    call install_traps

    mov eax, 0x11223344
    xor ebx, ebx                        ; ZF=1
    stc
    mov dword [trap_vec], -1
    mov dword [trap_resume], .r1
.s1: int3
.r1:
    pushfd
    pop dword [fl]
    push eax
    print "int3: "
    show_trap .s1
    pop eax
    show_cf_zf

    mov eax, 0x11223344
    or eax, eax                         ; ZF=0, CF=0
    TRY .r2
.s2: db 0xCD, 0x03
.r2:
    pushfd
    pop dword [fl]
    push eax
    print "int 3: "
    show_trap .s2
    pop eax
    show_cf_zf

    mov ecx, 100
.loop:
    TRY .next
    int3
.next:
    loop .loop
    print "loop of 100 int3: traps="
    print_dec [trap_count]
    print " ecx="
    print_hex32 ecx
    call newline
    exit 0

section .bss
fl: resd 1
