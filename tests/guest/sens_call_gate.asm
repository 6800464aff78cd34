; sens_call_gate: far CALL and JMP through a 32-bit call gate (type 0xC,
; DPL 0, 0 parameters) to a CPL 0 code segment: the offset in the far
; pointer is ignored, the target is the gate's selector:offset; CALL pushes
; CS and EIP (the low 16 bits of the CS slot compared only) and RETF comes
; back; JMP pushes nothing. LAR sees the gate; a gate whose P bit is clear
; gives #NP(gate selector).
; expect-exit: 1
; expect: call 0048:12345678: eax=00000105 cs=0008 esp+0
; expect: call far [m] (0048): eax=00000205 cs=0008
; expect: jmp 0048:0: in target cs=0008 esp-0
; expect: call 0048 with the gate not present: #0b err=00000048 eip=site+0

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

main:
    call install_traps
    call setup_xgdt

    mov eax, 5
    mov ebx, esp
    call XCGATE:0x12345678
    mov dx, cs
    mov ecx, esp
    sub ecx, ebx
    print "call 0048:12345678: eax="
    print_hex32 eax
    print " cs="
    print_hex16 dx
    print " esp+"
    print_dec ecx
    call newline

    mov dword [fp], 0xFFFFFFFF
    mov word [fp + 4], XCGATE
    mov eax, 0x105
    call far [fp]
    mov dx, cs
    print "call far [m] (0048): eax="
    print_hex32 eax
    print " cs="
    print_hex16 dx
    call newline

    ; JMP through the gate: point the gate at jmp_target for a moment
    mov eax, XCGATE
    mov edx, jmp_target
    call set_gate_offset
    mov ebx, esp
    jmp XCGATE:0
after_jmp:
    mov eax, XCGATE
    mov edx, call_gate_target
    call set_gate_offset

    and byte [xgdt + XCGATE + 5], 0x7F
    TRY .r
.s: call XCGATE:0
.r:
    or byte [xgdt + XCGATE + 5], 0x80
    print "call 0048 with the gate not present: "
    report_trap .s
    exit 0

jmp_target:
    mov dx, cs
    mov ecx, ebx
    sub ecx, esp
    print "jmp 0048:0: in target cs="
    print_hex16 dx
    print " esp-"
    print_dec ecx
    call newline
    jmp after_jmp

section .bss
fp: resd 2
