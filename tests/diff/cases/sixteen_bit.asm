; 16-bit operand (0x66) and address (0x67) forms. 16-bit addresses name only the first 64 KiB,
; outside the code and data areas (what is there is up to each runner), so [bx+si]-style forms
; are exercised through LEA; the 16-bit register halves must leave the top halves alone.
%include "case.inc"

CASE "o16_alu_keeps_top_half"
        mov eax, 0xAAAA0001
        mov ecx, 0xBBBBFFFF
        add ax, cx
        adc cx, 5
        sub dx, ax
        and si, 0x00FF
        or di, 0x8000
        xor bp, bp
ENDCASE

CASE "o16_mov_imm_and_mem"
        mov ax, 0x1234
        mov word [DATA + 0x10], 0xBEEF
        mov cx, [DATA + 0x10]
        mov [DATA + 0x12], cx
ENDCASE

CASE "o16_inc_dec_neg_not"
        mov eax, 0xFFFF7FFF
        inc ax
        dec cx
        neg dx
        not si
ENDCASE

CASE "o16_shifts"
        mov eax, 0x12348001
        shl ax, 1
        mov cl, 4
        rol ax, cl
        sar dx, 15
        rcr si, 3
ENDCASE

CASE "o16_mul_imul_div"
        mov eax, 0x0000FFFF
        mov ecx, 0x00000003
        mul cx
        imul si, cx, 1000
        mov edx, 0
        mov eax, 1000
        div cx
ENDCASE

CASE "o16_movzx_movsx_xchg"
        mov eax, 0x123480FF
        movsx cx, al
        movzx dx, ah
        xchg si, di
ENDCASE

CASE "o16_push_pop_imm"
        push word 0x7FFF
        push word -3
        pop ax
        pop cx
ENDCASE

CASE "o16_cmp_test_flags"
        mov eax, 0x00008000
        cmp ax, 0x7FFF
        test ax, 0x8000
        mov ecx, 0x0000FFFF
        cmp cx, -1
ENDCASE

CASE "o16_bt_bsf_bswap_free"
        mov eax, 0x00000100
        bt ax, 8
        bts ax, 0
        bsf cx, ax
        bsr dx, ax
ENDCASE

CASE "a16_lea_all_modrm_forms"
        mov ebx, 0x11110010
        mov esi, 0x22220020
        mov edi, 0x33330030
        mov ebp, 0x44440040
        lea ax, [bx + si]
        lea cx, [bx + di]
        lea dx, [bp + si]
        a16 lea eax, [bp + di]
        lea si, [si + 0x100]
        lea di, [di - 1]
        lea bp, [bp + 0x7FFF]
        a16 lea ecx, [bx - 1]
        a16 lea edx, [word bx - 2]        ; disp16 0xFFFE
        mov ebx, DATA
ENDCASE

CASE "a16_lea_wraps_at_64k"
        mov ebx, 0x0000FFF0
        mov esi, 0x00000020
        a16 lea eax, [bx + si + 0x10]
        mov ebx, DATA
ENDCASE

CASE "a16_lea_disp16_only"
        a16 lea eax, [0x1234]
        a16 lea cx, [0xFFFF]
ENDCASE


CASE "o16_cwd_cbw_forms"
        mov eax, 0xFFFF8000
        cwd
        mov ecx, eax
        cbw
ENDCASE

CASE "o16_adc_sbb_chain"
        mov eax, 0xFFFF
        mov edx, 0x0001
        add ax, 1
        adc dx, 0
        sub ax, 1
        sbb dx, 0
ENDCASE

CASE "o16_imul_two_operand_overflow"
        mov eax, 0x00000100
        mov ecx, 0x00000100
        imul ax, cx
ENDCASE
