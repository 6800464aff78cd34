; sens_far_o16: far transfers with a 16-bit operand size (66) at CPL 0, to
; a trampoline copied to 0x7000 (below 64 KiB: the 16-bit forms carry a
; 16-bit offset, EIP = IP zero-extended). o16 JMP ptr16:16, o16 CALL
; ptr16:16 (pushes CS and IP, 2 bytes each), o16 RETF (pops IP and CS),
; o16 RETF 4, o16 IRET (pops IP, CS and FLAGS: EFLAGS bits 31:16 stay).
; The trampoline records ESP and the top words, then far-jumps back.
; expect-exit: 1
; expect: o16 jmp 0008:7000: esp-0
; expect: o16 call 0008:7000: esp-4 [esp]=ret.lo16 [esp+2]=0008
; expect: o16 retf: esp+4
; expect: o16 retf 4: esp+8
; expect: o16 iret flags 08d5: esp+6 eflags=002408d7
; expect: o16 iret keeps AC/ID from before: yes

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

TRAMP equ 0x7000

; trampoline (copied to TRAMP): save ESP and [esp], then jmp far 0008:back
tramp_src:
    mov [t_esp], esp
    mov eax, [esp]
    mov [t_top], eax
    db 0xEA
tramp_back_ptr:
    dd 0
    dw CODE_SEL
tramp_end:

main:
    call install_traps
    mov esi, tramp_src
    mov edi, TRAMP
    mov ecx, tramp_end - tramp_src
    rep movsb

    mov dword [TRAMP + tramp_back_ptr - tramp_src], .b1
    mov [esp0], esp
    db 0x66, 0xEA                       ; o16 jmp ptr16:16
    dw TRAMP, CODE_SEL
.b1:
    mov esp, [esp0]
    print "o16 jmp 0008:7000: esp-"
    mov eax, [esp0]
    sub eax, [t_esp]
    call put_dec
    call newline

    mov dword [TRAMP + tramp_back_ptr - tramp_src], .b2
    db 0x66, 0x9A                       ; o16 call ptr16:16
    dw TRAMP, CODE_SEL
.ret2:
.b2:
    mov esp, [esp0]
    print "o16 call 0008:7000: esp-"
    mov eax, [esp0]
    sub eax, [t_esp]
    call put_dec
    print " [esp]="
    mov eax, [t_top]
    mov ecx, .ret2
    cmp ax, cx
    jne .bad2
    print "ret.lo16"
    jmp .cs2
.bad2:
    print "WRONG"
.cs2:
    print " [esp+2]="
    mov eax, [t_top]
    shr eax, 16
    mov ecx, 4
    call put_hex_digits
    call newline
    mov dword [TRAMP + tramp_back_ptr - tramp_src], .b3
    push word CODE_SEL
    push word TRAMP
    o16 retf
.b3:
    mov esp, [esp0]
    print "o16 retf: esp+"
    mov eax, [t_esp]
    sub eax, [esp0]
    add eax, 4
    call put_dec
    call newline

    mov dword [TRAMP + tramp_back_ptr - tramp_src], .b4
    push dword 0x11112222
    push word CODE_SEL
    push word TRAMP
    o16 retf 4
.b4:
    mov esp, [esp0]
    print "o16 retf 4: esp+"
    mov eax, [t_esp]
    sub eax, [esp0]
    add eax, 8
    call put_dec
    call newline

    mov dword [TRAMP + tramp_back_ptr - tramp_src], .b5
    push dword 0x00240002               ; AC and ID set before
    popfd
    push word 0x08D5                    ; OF SF ZF PF CF in FLAGS, IF=0
    push word CODE_SEL
    push word TRAMP
    o16 iret
.b5:
    pushfd
    pop dword [t_flags]
    mov esp, [esp0]
    push dword 0x00000002
    popfd
    print "o16 iret flags 08d5: esp+"
    mov eax, [t_esp]
    sub eax, [esp0]
    add eax, 6
    call put_dec
    print " eflags="
    print_hex32 [t_flags]
    call newline
    print "o16 iret keeps AC/ID from before: "
    mov eax, [t_flags]
    and eax, 0x00240000
    cmp eax, 0x00240000
    jne .no
    println "yes"
    exit 0
.no:
    println "no"
    exit 0

section .bss
esp0:       resd 1
t_esp:      resd 1
t_top:      resd 1
t_flags:    resd 1
