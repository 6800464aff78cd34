; ALU: ADD ADC SUB SBB AND OR XOR CMP TEST NEG NOT INC DEC on 8/16/32-bit registers, memory
; and immediates, with the flag edge cases (carry, overflow, parity, auxiliary carry).
%include "case.inc"

CASE "add_carry_zero"
        mov eax, 0xFFFFFFFF
        add eax, 1
ENDCASE

CASE "add_signed_overflow"
        mov eax, 0x7FFFFFFF
        add eax, 1
ENDCASE

CASE "add_aux_carry_parity"
        mov ecx, 0x0F
        add ecx, 0x01
ENDCASE

CASE "add8_high_bytes"
        mov eax, 0x00F08000
        mov ebx, DATA
        mov ecx, 0x1234F0FF
        add ah, ch
        add al, cl
        add ch, ah
ENDCASE

CASE "add16_overflow"
        mov eax, 0x12347FFF
        add ax, 1
ENDCASE

CASE "add_mem_dest"
        add dword [DATA + 0x10], 0x80000000
        add byte [DATA + 0x20], 0xFF
        add word [DATA + 0x30], 0x8001
        add [DATA + 0x40], eax
ENDCASE

CASE "add_reg_from_mem"
        add eax, [DATA + 0x14]
        add cx, [DATA + 0x16]
        add dh, [DATA + 0x17]
ENDCASE

CASE "add_imm8_sign_extended"
        mov edx, 5
        add edx, -7
        add eax, byte 0x7F
ENDCASE

CASE "adc_with_carry_in"
        stc
        mov eax, 0xFFFFFFFF
        adc eax, 0
        mov ecx, 0x7FFFFFFF
        adc ecx, 0
ENDCASE

CASE "adc_chain_64bit"
        mov eax, 0xFFFFFFFF
        mov edx, 0x00000001
        add eax, 0x00000002
        adc edx, 0xFFFFFFFF
ENDCASE

CASE "adc8_carry_and_aux"
        stc
        mov al, 0x0F
        adc al, 0xF0
        mov cl, 0x7F
        adc cl, 0
ENDCASE

CASE "sub_borrow"
        mov eax, 0
        sub eax, 1
ENDCASE

CASE "sub_overflow_negative"
        mov eax, 0x80000000
        sub eax, 1
ENDCASE

CASE "sub_equal_zero"
        mov ecx, 0x12345678
        sub ecx, 0x12345678
ENDCASE

CASE "sub16_mem"
        sub word [DATA + 0x50], 0x7FFF
        sub [DATA + 0x60], ax
ENDCASE

CASE "sbb_borrow_chain"
        mov eax, 0
        mov edx, 1
        sub eax, 1
        sbb edx, 0
ENDCASE

CASE "sbb_with_carry_set"
        stc
        mov eax, 0x80000000
        sbb eax, 0
        stc
        mov cl, 0
        sbb cl, 0
ENDCASE

CASE "and_clears_cf_of"
        stc
        mov eax, 0xF0F0F0F0
        and eax, 0x0F0F0F0F
ENDCASE

CASE "and8_sign_parity"
        mov eax, 0x000000FF
        and al, 0x83
        and ah, 0x00
ENDCASE

CASE "or_mem_and_reg"
        or dword [DATA + 0x80], 0x80000001
        or ecx, [DATA + 0x84]
        or dl, 0x40
ENDCASE

CASE "xor_self_zero"
        xor eax, eax
        xor ecx, ecx
        xor dx, dx
ENDCASE

CASE "xor_mem_imm8"
        xor byte [DATA + 0x90], 0x55
        xor dword [DATA + 0x94], -1
ENDCASE

CASE "cmp_equal_unsigned_less_signed_less"
        mov eax, 5
        cmp eax, 5
        mov ecx, 3
        cmp ecx, 0xFFFFFFFF
ENDCASE

CASE "cmp8_mem"
        mov al, 0x80
        cmp al, [DATA + 0x3]
        cmp byte [DATA + 0x7], 0x7F
ENDCASE

CASE "cmp16_overflow"
        mov ax, 0x8000
        cmp ax, 1
ENDCASE

CASE "test_sets_sf_pf"
        mov eax, 0x80000003
        test eax, 0x80000003
        test ecx, ecx
ENDCASE

CASE "test8_ah_mem"
        mov eax, 0x0000F000
        test ah, 0x80
        test [DATA + 0x11], ah
ENDCASE

CASE "neg_zero_clears_cf"
        xor eax, eax
        neg eax
ENDCASE

CASE "neg_min_int_overflow"
        mov eax, 0x80000000
        neg eax
ENDCASE

CASE "neg8_mem_and_16"
        neg byte [DATA + 0x21]
        mov cx, 1
        neg cx
ENDCASE

CASE "not_leaves_flags"
        mov eax, 0x0F0F0F0F
        stc
        not eax
        not byte [DATA + 0x22]
        not word [DATA + 0x24]
ENDCASE

CASE "inc_keeps_cf_overflow"
        stc
        mov eax, 0x7FFFFFFF
        inc eax
ENDCASE

CASE "dec_to_zero_keeps_cf"
        clc
        mov ecx, 1
        dec ecx
ENDCASE

CASE "inc_dec_short_forms_all_regs"
        inc eax
        inc ecx
        inc edx
        inc ebp
        inc esi
        inc edi
        dec eax
        dec edi
        dec esp
        inc esp
ENDCASE

CASE "inc_dec_long_forms"
        db 0xFF, 0xC0                   ; inc eax (FF /0)
        db 0xFF, 0xC9                   ; dec ecx (FF /1)
        db 0x66, 0xFF, 0xC2             ; inc dx
        inc byte [DATA + 0x30]
        dec dword [DATA + 0x34]
        dec word [DATA + 0x38]
ENDCASE

CASE "inc16_wraps"
        mov eax, 0x1234FFFF
        inc ax
        mov ecx, 0x00008000
        dec cx
ENDCASE

CASE "inc8_high_byte"
        mov eax, 0x00007F00
        inc ah
        mov edx, 0x00000000
        dec dh
ENDCASE

CASE "alu_accumulator_short_forms"
        add al, 0x7F
        adc ax, 0x1234
        sub eax, 0x10000000
        or al, 1
        and eax, 0x00FFFF00
        xor al, 0xAA
        cmp eax, 0x00000055
        test al, 0x0F
ENDCASE

CASE "lock_add_xor_mem"
        lock add dword [DATA + 0x100], 0x11111111
        lock xor byte [DATA + 0x104], 0xFF
        lock sub word [DATA + 0x106], 3
        lock inc dword [DATA + 0x108]
        lock neg dword [DATA + 0x10C]
ENDCASE

CASE "alu_reg_reg_all_sizes"
        mov eax, 0x11223344
        mov ecx, 0x55667788
        mov edx, 0x99AABBCC
        add eax, ecx
        sub cx, dx
        xor dh, al
        or cl, ah
        and edx, eax
ENDCASE
