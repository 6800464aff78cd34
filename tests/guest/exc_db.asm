; exc_db: debug exception (#DB, vector 1, no error code). INT 1 (CD 01) is
; a trap: saved EIP = the next instruction. (ICEBP, F1, is a #DB trap in the
; SDM but #UD in QEMU 7.2: it is in manual/sdm_only.asm.) Single-step:
; POPF sets TF; the instruction after the POPF runs, then #DB is taken with
; the saved EIP after it, TF set in the saved EFLAGS, TF clear in the
; handler, and DR6.BS (bit 14) set. The handler clears TF in the frame.
; expect-exit: 1
; expect: int 1: #01 eip=site+2
; expect: single step: #01 eip=site+1 saved TF=1 handler TF=0 dr6.bs=1 eax=00000001
; expect: after: TF=0

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

main:
    call install_traps

    TRY .r2
.s2: int 1
.r2:
    print "int 1: "
    report_trap .s2

    xor eax, eax
    mov dr6, eax
    gate 1, db_handler, GATE_INTR
    pushfd
    or dword [esp], 1 << 8
    popfd
.s3: inc eax
.r3:
    nop
    print "single step: "
    mov dword [trap_vec], 1
    mov dword [trap_has_err], 0
    show_trap .s3
    print " saved TF="
    mov ecx, [trap_eflags]
    shr ecx, 8
    and ecx, 1
    print_dec ecx
    print " handler TF="
    mov ecx, [trap_handler_flags]
    shr ecx, 8
    and ecx, 1
    print_dec ecx
    print " dr6.bs="
    mov ecx, dr6
    shr ecx, 14
    and ecx, 1
    print_dec ecx
    print " eax="
    print_hex32 eax
    call newline
    pushfd
    pop ecx
    shr ecx, 8
    and ecx, 1
    print "after: TF="
    print_dec ecx
    call newline
    exit 0

db_handler:
    pushfd
    pop dword [trap_handler_flags]
    push eax
    mov eax, [esp + 4]
    mov [trap_eip], eax
    mov eax, [esp + 8]
    mov [trap_cs], eax
    mov eax, [esp + 12]
    mov [trap_eflags], eax
    and dword [esp + 12], ~(1 << 8)
    pop eax
    iret
