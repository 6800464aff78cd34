; stack_call: PUSH/POP, CALL/RET (near, RET imm16, through a register and
; memory), deep recursion, ENTER/LEAVE, PUSHAD/POPAD, PUSH imm and [mem],
; and ESP-relative addressing.
; expect-exit: 1
; expect: fib(20) = 6765
; expect: sum 1..1000 by recursion = 500500
; expect: ret imm16 restored esp: yes
; expect: call reg/mem: 00000011 00000022
; expect: enter/leave frame: 00000064 esp ok: yes
; expect: pushad/popad: 11111111 22222222 33333333 44444444 55555555 66666666 esp ok: yes
; expect: push imm/mem, pop mem: 12345678 cafef00d
; expect: esp-relative: 00000003

%include "guest.inc"

main:
    ; Doubly recursive Fibonacci: 21891 calls.
    mov eax, 20
    call fib
    print "fib(20) = "
    print_dec eax
    call newline

    ; Recursion 1000 deep (4 KiB of return addresses and saved values).
    mov ecx, 1000
    call sum_to
    print "sum 1..1000 by recursion = "
    print_dec eax
    call newline

    ; RET imm16 pops its arguments.
    mov ebx, esp
    push 1
    push 2
    push 3
    call pop_three
    print "ret imm16 restored esp: "
    cmp ebx, esp
    call yes_no

    ; CALL through a register and through memory.
    mov edx, ret_0x11
    call edx
    mov ebx, eax
    call [ptr_ret_0x22]
    print "call reg/mem: "
    print_hex32s ebx, eax
    call newline

    ; ENTER/LEAVE: a frame with 16 bytes of locals.
    mov ebx, esp
    push 100
    call framed
    add esp, 4
    print "enter/leave frame: "
    print_hex32 eax
    print " esp ok: "
    cmp ebx, esp
    call yes_no

    ; PUSHAD/POPAD round trip with scratched registers in between.
    mov eax, 0x11111111
    mov ecx, 0x22222222
    mov edx, 0x33333333
    mov ebx, 0x44444444
    mov esi, 0x55555555
    mov edi, 0x66666666
    mov [saved_esp], esp
    pushad
    xor eax, eax
    xor ecx, ecx
    xor edx, edx
    xor ebx, ebx
    xor esi, esi
    xor edi, edi
    popad
    print "pushad/popad: "
    print_hex32s eax, ecx, edx, ebx, esi, edi
    print " esp ok: "
    cmp esp, [saved_esp]
    call yes_no

    ; PUSH imm32, PUSH [mem], POP [mem].
    push 0x12345678
    push dword [magic_word]
    pop dword [popped_b]
    pop dword [popped_a]
    print "push imm/mem, pop mem: "
    print_hex32s [popped_a], [popped_b]
    call newline

    ; [esp+disp] addressing inside a deeper frame.
    push 1
    push 2
    push 3
    mov eax, [esp + 8]
    add eax, [esp + 4]
    add esp, 12
    print "esp-relative: "
    print_hex32 eax
    call newline
    exit 0

; yes_no: print "yes" if ZF is set, else "no", and a newline.
yes_no:
    jnz .no
    println "yes"
    ret
.no:
    println "no"
    ret

fib:                                ; EAX = n -> EAX = fib(n)
    cmp eax, 2
    jb .base
    push ebx
    push eax
    dec eax
    call fib
    mov ebx, eax
    pop eax
    sub eax, 2
    call fib
    add eax, ebx
    pop ebx
.base:
    ret

sum_to:                             ; ECX = n -> EAX = 1 + ... + n
    test ecx, ecx
    jnz .rec
    xor eax, eax
    ret
.rec:
    push ecx
    dec ecx
    call sum_to
    pop ecx
    add eax, ecx
    ret

pop_three:
    ret 12

ret_0x11:
    mov eax, 0x11
    ret

ret_0x22:
    mov eax, 0x22
    ret

framed:                             ; cdecl f(x) -> x with locals in between
    enter 16, 0
    mov eax, [ebp + 8]
    mov [ebp - 4], eax
    mov dword [ebp - 16], 0
    mov eax, [ebp - 4]
    add eax, [ebp - 16]
    leave
    ret

section .data
ptr_ret_0x22:   dd ret_0x22
magic_word:     dd 0xCAFEF00D

section .bss
saved_esp:      resd 1
popped_a:       resd 1
popped_b:       resd 1
