; indirect_branch: 4096 rounds of a pseudo-random dispatch through a JMP
; table (8 targets), CALL through a function-pointer table (4 targets) and
; through a register, a PUSH/RET to one of two computed targets, and a callee
; that moves its return address past two bytes. The checksum comes from an
; independent Python model of the loop (and matches QEMU).
; expect-exit: 1
; expect: dispatch checksum: bc12754d
; expect: return address skip: ok
; expect: jmp reg: ok

%include "guest.inc"

N equ 4096

main:
    xor edi, edi                            ; accumulator
    mov esi, 1                              ; LCG state
    mov ecx, N
.round:
    imul esi, esi, 1103515245
    add esi, 12345
    mov eax, esi
    shr eax, 16
    and eax, 7
    jmp [jump_table + eax * 4]
.join:
    mov eax, esi
    shr eax, 20
    and eax, 3
    test eax, 1
    jz .via_reg
    call [func_table + eax * 4]
    jmp .pushret
.via_reg:
    mov eax, [func_table + eax * 4]
    call eax
.pushret:
    mov eax, esi
    shr eax, 24
    and eax, 1
    push dword [ret_table + eax * 4]
    ret
.after_ret:
    loop .round
    print "dispatch checksum: "
    print_hex32 edi
    call newline

    mov eax, 5
    call skip_two
    inc eax                                 ; skipped
    inc eax                                 ; skipped
    print "return address skip: "
    cmp eax, 5
    jne .bad_skip
    println "ok"
    jmp .jmp_reg
.bad_skip:
    println "WRONG"

.jmp_reg:
    mov eax, .landed
    jmp eax
    println "jmp reg: WRONG"
    jmp .done
.landed:
    println "jmp reg: ok"
.done:
    exit 0

op0:    add edi, esi
        jmp main.join
op1:    xor edi, 0x5A5A5A5A
        jmp main.join
op2:    rol edi, 3
        jmp main.join
op3:    sub edi, 0x01234567
        jmp main.join
op4:    lea edi, [edi + edi * 2]
        jmp main.join
op5:    not edi
        jmp main.join
op6:    mov edx, edi
        shr edx, 7
        add edi, edx
        jmp main.join
op7:    bswap edi
        jmp main.join

fn0:    inc edi
        ret
fn1:    mov edx, esi
        shr edx, 8
        xor edi, edx
        ret
fn2:    ror edi, 5
        ret
fn3:    add edi, 0x9E3779B9
        ret

ret0:   add edi, 0x10000
        jmp main.after_ret
ret1:   add edi, 0x100
        jmp main.after_ret

skip_two:
        add dword [esp], 2
        ret

section .rodata
jump_table: dd op0, op1, op2, op3, op4, op5, op6, op7
func_table: dd fn0, fn1, fn2, fn3
ret_table:  dd ret0, ret1
