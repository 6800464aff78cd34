; MUL, IMUL (one, two and three operands), DIV, IDIV on 8/16/32 bits; #DE on a zero divisor
; and on a quotient that does not fit.
%include "case.inc"

CASE "mul32_no_overflow"
        mov eax, 0x1234
        mov ecx, 0x10
        mul ecx
ENDCASE

CASE "mul32_high_half"
        mov eax, 0xFFFFFFFF
        mov ecx, 0xFFFFFFFF
        mul ecx
ENDCASE

CASE "mul16_and_8"
        mov eax, 0x1234ABCD
        mov edx, 0xFFFFFFFF
        mov ecx, 0x00000100
        mul cx
        mov eax, 0x000000F0
        mov ebx, DATA
        mov cl, 0x11
        mul cl
ENDCASE

CASE "mul_mem"
        mov eax, 0x87654321
        mul dword [DATA + 0x10]
        mul byte [DATA + 0x15]
        mul word [DATA + 0x16]
ENDCASE

CASE "imul1_32_signed"
        mov eax, -5
        mov ecx, 7
        imul ecx
ENDCASE

CASE "imul1_8_overflow"
        mov eax, 0x80
        mov ecx, 0xFF
        imul cl
        mov eax, 0x40
        mov cl, 2
        imul cl
ENDCASE

CASE "imul1_16_mem"
        mov eax, 0x00008000
        imul word [DATA + 0x20]
ENDCASE

CASE "imul2_reg_and_mem"
        mov ecx, 0x10000
        mov edx, 0x10000
        imul ecx, edx
        mov esi, 3
        imul esi, [DATA + 0x24]
        mov ax, 0x4000
        mov dx, 2
        imul ax, dx
ENDCASE

CASE "imul3_imm8_imm32"
        mov ecx, 0x12345
        imul edx, ecx, -3
        imul esi, ecx, 0x10001
        imul di, [DATA + 0x28], 0x7FFF
        imul eax, dword [DATA + 0x2C], 0x7F
ENDCASE

CASE "div32_exact_and_remainder"
        mov edx, 0
        mov eax, 100
        mov ecx, 7
        div ecx
ENDCASE

CASE "div32_big_dividend"
        mov edx, 0x12
        mov eax, 0x34567890
        mov ecx, 0x100
        div ecx
ENDCASE

CASE "div16_and_8"
        mov edx, 0xFFFF0001
        mov eax, 0x12340000
        mov ecx, 0x00000007
        div cx
        mov eax, 0x0000FE12
        mov ecx, 0x0000FFFF
        div cl
ENDCASE

CASE "idiv32_negative"
        mov eax, -100
        cdq
        mov ecx, 7
        idiv ecx
ENDCASE

CASE "idiv8_and_16_mixed_signs"
        mov eax, -50
        cbw
        mov ecx, -7
        idiv cl
        mov eax, 1000
        cwd
        mov cx, -3
        idiv cx
ENDCASE

CASE "div_mem"
        mov dword [DATA + 0x30], 13
        mov edx, 5
        mov eax, 0
        div dword [DATA + 0x30]
ENDCASE

CASE "div32_by_zero_fault"
        mov ecx, 0
        mov eax, 5
        mov edx, 0
        div ecx
        mov eax, 1
ENDCASE

CASE "div8_by_zero_fault"
        mov eax, 0x1234
        mov byte [DATA + 0x40], 0
        div byte [DATA + 0x40]
ENDCASE

CASE "div32_quotient_overflow_fault"
        mov edx, 2
        mov eax, 0
        mov ecx, 2
        div ecx
ENDCASE

CASE "idiv32_min_by_minus1_fault"
        mov eax, 0x80000000
        cdq
        mov ecx, -1
        idiv ecx
ENDCASE

CASE "idiv8_overflow_fault"
        mov eax, 0x00007F00
        mov cl, 2
        idiv cl
ENDCASE

; The zero-divisor check runs inline (no host SIGFPE): it must test exactly the divisor
; (the low 16 bits of ECX for DIV CX, BH not BL), read a memory divisor before it borrows
; ECX, and leave the flags of before the instruction for the #DE.
CASE "div16_divisor_zero_high_half_set_fault"
        mov ecx, 0x00010000
        mov eax, 5
        xor edx, edx
        div cx
ENDCASE

CASE "div8_high_byte_divisor_zero_fault"
        mov ebx, 0x000000FF
        mov eax, 0x1234
        div bh
ENDCASE

CASE "div8_high_byte_divisor"
        mov ebx, 0x000003FF
        mov eax, 9
        div bh
ENDCASE

CASE "idiv32_memory_divisor_through_ecx_zero_fault"
        mov ecx, DATA
        mov dword [ecx + 0x44], 0
        mov eax, 7
        cdq
        idiv dword [ecx + 0x44]
ENDCASE

CASE "idiv32_memory_divisor_through_ecx"
        mov ecx, DATA
        mov dword [ecx + 0x44], -3
        mov eax, 7
        cdq
        idiv dword [ecx + 0x44]
ENDCASE

CASE "div_by_zero_keeps_the_flags_of_before_fault"
        mov eax, 1
        cmp eax, 2
        mov ecx, 0
        div ecx
ENDCASE
