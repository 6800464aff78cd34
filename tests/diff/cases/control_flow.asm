; Control flow: Jcc taken and not taken for every condition, JMP short/near/indirect,
; CALL/RET (direct, register, memory, RET imm16), LOOP LOOPE LOOPNE JECXZ JCXZ, backward loops.
; Return addresses pushed by CALL are compared: they are guest addresses (CODE + offset).
%include "case.inc"

CASE "jo_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jo .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jo_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jo .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jno_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jno .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jno_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jno .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jb_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jb .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jb_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jb .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnb_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jnb .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnb_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jnb .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jz_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jz .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jz_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jz .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnz_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jnz .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnz_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jnz .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jbe_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jbe .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jbe_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jbe .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnbe_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jnbe .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnbe_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jnbe .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "js_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        js .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "js_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        js .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jns_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jns .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jns_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jns .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jp_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jp .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jp_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jp .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnp_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jnp .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnp_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jnp .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jl_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jl .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jl_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jl .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnl_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jnl .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnl_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jnl .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jle_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jle .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jle_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jle .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnle_after_overflow_add"
        mov eax, 0x7FFFFFFF
        add eax, 1
        mov ecx, 1
        jnle .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jnle_after_zero_xor"
        xor eax, eax
        mov ecx, 1
        jnle .taken
        mov ecx, 2
        jmp CASE_END
.taken:
        mov edx, 3
ENDCASE

CASE "jb_near_rel32_backward"
        jmp .start
.back:
        mov esi, 7
        jmp CASE_END
.start:
        mov eax, 1
        sub eax, 2
        nop
        jb near .back
        mov esi, 8
ENDCASE

CASE "jz_near_rel32_backward"
        jmp .start
.back:
        mov esi, 7
        jmp CASE_END
.start:
        mov eax, 1
        sub eax, 2
        cmp eax, eax
        jz near .back
        mov esi, 8
ENDCASE

CASE "jl_near_rel32_backward"
        jmp .start
.back:
        mov esi, 7
        jmp CASE_END
.start:
        mov eax, 1
        sub eax, 2
        nop
        jl near .back
        mov esi, 8
ENDCASE

CASE "jle_near_rel32_backward"
        jmp .start
.back:
        mov esi, 7
        jmp CASE_END
.start:
        mov eax, 1
        sub eax, 2
        cmp eax, eax
        jle near .back
        mov esi, 8
ENDCASE

CASE "jmp_short_and_near_forward"
        jmp short .a
        mov eax, 1
.a:
        jmp near .b
        mov eax, 2
.b:
        mov ecx, 3
ENDCASE

CASE "jmp_register_indirect"
        mov eax, .target
        jmp eax
        mov ecx, 1
.target:
        mov edx, 2
ENDCASE

CASE "jmp_memory_indirect"
        mov dword [DATA + 0x100], .target
        jmp [DATA + 0x100]
        mov ecx, 1
.target:
        mov edx, 2
ENDCASE

CASE "jmp_memory_indirect_sib"
        mov esi, 3
        mov dword [DATA + 0x200 + 3*4], .target
        jmp [ebx + esi*4 + 0x200]
        mov ecx, 1
.target:
        mov edx, 2
ENDCASE

CASE "call_ret_direct"
        call .f
        mov ecx, eax
        jmp CASE_END
.f:
        mov eax, [esp]
        ret
ENDCASE

CASE "call_register_and_memory"
        mov esi, .f
        call esi
        mov dword [DATA + 0x300], .f
        call [DATA + 0x300]
        jmp CASE_END
.f:
        inc edi
        ret
ENDCASE

CASE "ret_imm16_pops_arguments"
        push dword 1
        push dword 2
        call .f
        mov ecx, esp
        jmp CASE_END
.f:
        mov eax, [esp + 4]
        add eax, [esp + 8]
        ret 8
ENDCASE

CASE "nested_calls_recursion"
        mov eax, 5
        call .fact
        jmp CASE_END
.fact:
        cmp eax, 1
        jbe .done
        push eax
        dec eax
        call .fact
        pop ecx
        imul eax, ecx
.done:
        ret
ENDCASE

CASE "call_pop_gets_eip"
        call .next
.next:
        pop eax
ENDCASE

CASE "ret_to_pushed_address"
        push dword .there
        ret
        mov ecx, 1
.there:
        mov edx, 2
ENDCASE

CASE "loop_counts_down"
        mov ecx, 10
        xor eax, eax
.l:
        add eax, ecx
        loop .l
ENDCASE

CASE "loop_ecx_zero_wraps_once"
        mov ecx, 1
        mov eax, 0
.l:
        inc eax
        loop .l
        mov edx, ecx
ENDCASE

CASE "loope_stops_on_nonzero"
        mov ecx, 10
        mov eax, 0
.l:
        inc eax
        cmp eax, 4
        loopne .l
        mov edx, ecx
ENDCASE

CASE "loope_continues_while_equal"
        mov ecx, 5
        mov esi, DATA + 0x400
        mov dword [DATA + 0x400], 0
        mov dword [DATA + 0x404], 0
        mov dword [DATA + 0x408], 1
.l:
        lodsd
        test eax, eax
        loope .l
ENDCASE

CASE "jecxz_taken_and_not"
        mov ecx, 0
        mov eax, 0
        jecxz .z
        mov eax, 1
.z:
        mov ecx, 0x10000
        jecxz .nz
        mov edx, 2
.nz:
        nop
ENDCASE

CASE "jcxz_16bit_counter"
        mov ecx, 0x10000
        mov eax, 0
        a16 jcxz .z
        mov eax, 1
.z:
        nop
ENDCASE

CASE "a16_loop_uses_cx"
        mov ecx, 0x12340003
        xor eax, eax
.l:
        inc eax
        a16 loop .l
ENDCASE

CASE "flags_survive_jumps_and_calls"
        stc
        mov eax, 0x80000000
        add eax, eax
        jmp .a
.a:
        call .f
        jmp CASE_END
.f:
        ret
ENDCASE

CASE "jump_table"
        mov dword [DATA + 0x500], .t0
        mov dword [DATA + 0x504], .t1
        mov dword [DATA + 0x508], .t2
        mov esi, 2
        jmp [DATA + 0x500 + esi*4]
.t0:
        mov eax, 10
        jmp CASE_END
.t1:
        mov eax, 11
        jmp CASE_END
.t2:
        mov eax, 12
ENDCASE

