; smc: self-modifying code. Code is written into a data buffer, run (hot, in a
; loop), patched and run again; code in .text patches a function that already
; ran, a branch displacement, an instruction a few bytes ahead in the same
; block, and the instruction right after the store ("mov [next+1], cl /
; next: mov al, imm8"), which x86 must execute in its new form. Each print
; shows which version ran.
; expect-exit: 1
; expect: buffer v1: 11111111
; expect: buffer v2: 22222222
; expect: buffer v3: ffffffff
; expect: patched function: 00000055 00000066
; expect: patched branch: a b
; expect: patched ahead: 44444444
; expect: patched next: 03 02 01
; expect: patched next in loop: 0000000a

%include "guest.inc"

RUNS equ 1000

; run_buffer label: call codebuf RUNS times, print "label" and EAX.
%macro run_buffer 1
    mov ecx, RUNS
%%again:
    call codebuf
    loop %%again
    print %1
    print_hex32 eax
    call newline
%endmacro

main:
    ; 1. Generated code in .bss: mov eax, 0x11111111 / ret.
    mov byte [codebuf], 0xB8
    mov dword [codebuf + 1], 0x11111111
    mov byte [codebuf + 5], 0xC3
    run_buffer "buffer v1: "
    mov dword [codebuf + 1], 0x22222222     ; patch the immediate
    run_buffer "buffer v2: "
    mov dword [codebuf], 0xC348C031         ; xor eax, eax / dec eax / ret
    run_buffer "buffer v3: "

    ; 2. A function in .text that already ran gets a new immediate.
    call func
    mov ebx, eax
    mov byte [func + 1], 0x66
    call func
    print "patched function: "
    print_hex32s ebx, eax
    call newline

    ; 3. A JMP rel8 gets a new displacement.
    print "patched branch:"
    call branchy
    mov al, branch_b - (branch_jmp + 2)
    mov [branch_jmp + 1], al
    call branchy
    call newline

    ; 4. A store to an instruction a few instructions ahead.
    mov dword [ahead + 1], 0x44444444
    nop
    xor ecx, ecx
    add ecx, 1
ahead:
    mov eax, 0x33333333
    print "patched ahead: "
    print_hex32 eax
    call newline

    ; 5. A store to the very next instruction, three times in a loop.
    print "patched next:"
    mov ecx, 3
next_loop:
    mov [next + 1], cl
next:
    mov al, 0
    print " "
    print_hex8 al
    loop next_loop
    call newline

    ; 6. The same inside a hot counting loop: every iteration rewrites the
    ; ADD immediate to 1 right before it runs (it starts as 0x7F).
    xor eax, eax
    mov ecx, 10
hot_loop:
    mov byte [hot_add + 2], 1
hot_add:
    add eax, byte 0x7F                      ; 83 C0 ib
    mov byte [hot_add + 2], 0x7F
    loop hot_loop
    print "patched next in loop: "
    print_hex32 eax
    call newline
    exit 0

func:
    mov eax, 0x55                           ; B8 imm32: byte 1 is patched
    ret

branchy:
branch_jmp:
    jmp short branch_a                      ; EB rel8: rel8 is patched
branch_a:
    print " a"
    ret
branch_b:
    print " b"
    ret

section .bss
alignb 16
codebuf:    resb 64
