; sens_int_n: INT n, INT3 and INTO at CPL 0 through 32-bit trap and
; interrupt gates. The handler sees IF=1 through a trap gate and IF=0
; through an interrupt gate; both clear NT (and TF, RF, VM) and keep AC and
; the arithmetic flags; the frame holds the next EIP, CS and the EFLAGS
; before the INT (NT=1 here; the handler clears it in the saved image before
; IRET, or IRET would be a task return). Registers pass through. The PIC is
; masked so that IF=1 lets nothing in.
; expect-exit: 1
; expect: int 0x30 trap gate: eip=next+0 cs=0008 saved=00044ad7 handler=00040ad7 after=00040ad5 eax=00000031
; expect: int 0x31 interrupt gate: eip=next+0 cs=0008 saved=00044ad7 handler=000408d7 after=00040ad5 eax=00000032
; expect: int3 trap gate: eip=next+0 cs=0008 saved=00044ad7 handler=00040ad7 after=00040ad5 eax=00000033
; expect: into interrupt gate: eip=next+0 cs=0008 saved=00044ad7 handler=000408d7 after=00040ad5 eax=00000034
; expect: int 0x30 x1000: eax=000003e8

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro run 3                            ; text, instruction, EAX before
    mov eax, %3
    push dword 0x00044AD7               ; AC NT OF IF SF ZF AF PF CF
    popfd
%%site: %2
%%next:
    pushfd
    cld
    pop dword [after]
    push dword 0x00000002
    popfd
    print %1
    print ": eip=next+"
    push eax
    mov eax, [h_eip]
    sub eax, %%next
    call put_dec
    pop eax
    print " cs="
    print_hex16 [h_cs]
    print " saved="
    print_hex32 [h_saved]
    print " handler="
    print_hex32 [h_flags]
    print " after="
    push eax
    mov eax, [after]
    and eax, ~2
    call put_hex32
    pop eax
    print " eax="
    print_hex32 eax
    call newline
%endmacro

main:
    call install_traps
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al

    gate 0x30, gate_handler, GATE_TRAP
    gate 0x31, gate_handler, GATE_INTR
    gate 3, gate_handler, GATE_TRAP
    gate 4, gate_handler, GATE_INTR

    run "int 0x30 trap gate", {int 0x30}, 0x30
    run "int 0x31 interrupt gate", {int 0x31}, 0x31
    run "int3 trap gate", int3, 0x32
    run "into interrupt gate", into, 0x33

    gate 0x30, count_handler, GATE_TRAP
    xor eax, eax
    mov ecx, 1000
.loop:
    int 0x30
    loop .loop
    print "int 0x30 x1000: eax="
    print_hex32 eax
    call newline
    exit 0

gate_handler:
    pushfd
    pop dword [h_flags]
    push eax
    mov eax, [esp + 4]
    mov [h_eip], eax
    mov eax, [esp + 8]
    mov [h_cs], eax
    mov eax, [esp + 12]
    mov [h_saved], eax
    and dword [esp + 12], ~0x4000        ; clear NT before IRET
    pop eax
    inc eax
    iret

count_handler:
    inc eax
    iret

section .bss
h_flags:    resd 1
h_eip:      resd 1
h_cs:       resd 1
h_saved:    resd 1
after:      resd 1
