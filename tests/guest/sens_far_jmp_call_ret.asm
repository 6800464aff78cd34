; sens_far_jmp_call_ret: far JMP, CALL and RET at CPL 0 between flat code
; segments of the GDT: direct (ptr16:32) and indirect (m16:32) forms, to a
; second non-conforming segment (0xA0), to a conforming one (0x18; a
; selector with RPL 3 gives CS=0x18: CPL stays 0), and RETF imm16 (call
; gates: sens_call_gate). CALL
; pushes CS (low 16 bits of a 4-byte slot compared only) and the return
; EIP. Faults leave CS and ESP unchanged: null #GP(0), data segment
; #GP(sel), beyond the GDT limit #GP(sel), not-present code #NP(sel).
; expect-exit: 1
; expect: jmp 00a0:direct: cs=00a0
; expect: jmp far [m] -> 0018: cs=0018
; expect: jmp 001b (conforming, RPL 3): cs=0018
; expect: call 00a0:f: in f cs=00a0 pushed cs=0008 eip=ret+0 esp-8; back cs=0008 esp+0
; expect: call far [m] -> 0018:f: in f cs=0018 pushed cs=0008 eip=ret+0 esp-8; back cs=0008 esp+0
; expect: retf 8: esp+0 after pushing 8 bytes
; expect: jmp 0000:x: #0d err=00000000 eip=site+0 cs=0008
; expect: jmp 0010:x: #0d err=00000010 eip=site+0 cs=0008
; expect: call 01f8:x: #0d err=000001f8 eip=site+0 cs=0008 esp+0
; expect: jmp 00a0:x with 00a0 not present: #0b err=000000a0 eip=site+0 cs=0008
; expect: 1000 far calls: ecx=00000000

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro show_cs 1
    print %1
    print_hex16 [got_cs]
    call newline
%endmacro

%macro far_fault 2+                     ; text, instruction
    mov ebx, esp
    TRY %%r
%%s: %2
%%r:
    mov ecx, esp
    sub ecx, ebx
    mov ax, cs
    mov [got_cs], ax
    print %1
    show_trap %%s
    print " cs="
    print_hex16 [got_cs]
%endmacro

main:
    call install_traps
    call setup_xgdt

    jmp XCODE2:.j1
.j1:
    mov ax, cs
    mov [got_cs], ax
    jmp XCODE:.j1b
.j1b:
    show_cs "jmp 00a0:direct: cs="

    mov dword [fp], .j2
    mov word [fp + 4], XCONF
    jmp far [fp]
.j2:
    mov ax, cs
    mov [got_cs], ax
    jmp XCODE:.j2b
.j2b:
    show_cs "jmp far [m] -> 0018: cs="

    jmp (XCONF | 3):.j3
.j3:
    mov ax, cs
    mov [got_cs], ax
    jmp XCODE:.j3b
.j3b:
    show_cs "jmp 001b (conforming, RPL 3): cs="

    mov ebx, esp
    call XCODE2:far_f
.ret1:
    mov ax, cs
    mov ecx, esp
    sub ecx, ebx
    print "call 00a0:f: "
    mov edx, .ret1
    call report_f
    print "; back cs="
    print_hex16 ax
    print " esp+"
    print_dec ecx
    call newline

    mov dword [fp], far_f
    mov word [fp + 4], XCONF
    mov ebx, esp
    call far [fp]
.ret2:
    mov ax, cs
    mov ecx, esp
    sub ecx, ebx
    print "call far [m] -> 0018:f: "
    mov edx, .ret2
    call report_f
    print "; back cs="
    print_hex16 ax
    print " esp+"
    print_dec ecx
    call newline

    mov ebx, esp
    push dword 1
    push dword 2
    call XCODE2:far_ret8
    mov ecx, esp
    sub ecx, ebx
    print "retf 8: esp+"
    print_dec ecx
    println " after pushing 8 bytes"

    far_fault "jmp 0000:x: ", jmp 0:.nowhere
    call newline
    far_fault "jmp 0010:x: ", jmp XDATA:.nowhere
    call newline
    far_fault "call 01f8:x: ", call 0x1F8:.nowhere
    print " esp+"
    print_dec ecx
    call newline
    and byte [xgdt + XCODE2 + 5], 0x7F
    far_fault "jmp 00a0:x with 00a0 not present: ", jmp XCODE2:.nowhere
    call newline
    or byte [xgdt + XCODE2 + 5], 0x80

    mov ecx, 1000
.loop:
    call XCODE2:far_nop
    loop .loop
    print "1000 far calls: ecx="
    print_hex32 ecx
    call newline
    exit 0

.nowhere:
    println "reached .nowhere"
    exit 0x7D

; report_f: EDX = expected return label; prints what far_f recorded.
report_f:
    print "in f cs="
    print_hex16 [f_cs]
    print " pushed cs="
    print_hex16 [f_pushed_cs]
    print " eip=ret+"
    push eax
    mov eax, [f_pushed_eip]
    sub eax, edx
    call put_dec
    pop eax
    print " esp-"
    print_dec [f_depth]
    ret

far_f:
    push eax
    mov ax, cs
    mov [f_cs], ax
    mov eax, [esp + 4]
    mov [f_pushed_eip], eax
    mov eax, [esp + 8]
    mov [f_pushed_cs], ax
    mov eax, ebx
    sub eax, esp
    sub eax, 4
    mov [f_depth], eax
    pop eax
    retf

far_ret8:
    retf 8

far_nop:
    retf

section .bss
fp:             resd 2
got_cs:         resd 1
f_cs:           resd 1
f_pushed_cs:    resd 1
f_pushed_eip:   resd 1
f_depth:        resd 1
