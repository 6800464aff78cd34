; Data movement: MOV in every size and direction, moffs forms, MOVZX/MOVSX, XCHG (register and
; memory), XADD, CMPXCHG, CMPXCHG8B, CBW/CWDE/CWD/CDQ.
%include "case.inc"

CASE "mov_reg_imm_all_sizes"
        mov eax, 0x11111111
        mov cx, 0x2222
        mov dl, 0x33
        mov dh, 0x44
        mov ah, 0x55
ENDCASE

CASE "mov_mem_imm_and_reg"
        mov dword [DATA + 0x10], 0xAABBCCDD
        mov word [DATA + 0x14], 0xEEFF
        mov byte [DATA + 0x16], 0x77
        mov [DATA + 0x18], ecx
        mov [DATA + 0x1C], dx
        mov [DATA + 0x1E], ch
ENDCASE

CASE "mov_reg_from_mem"
        mov eax, [DATA + 0x100]
        mov cx, [DATA + 0x104]
        mov dh, [DATA + 0x106]
        mov bl, [DATA + 0x107]
ENDCASE

CASE "mov_moffs_forms"
        mov al, [DATA + 0x21]             ; A0
        mov ax, [DATA + 0x22]             ; 66 A1
        mov eax, [DATA + 0x24]            ; A1
        mov [DATA + 0x30], al             ; A2
        mov [DATA + 0x32], ax             ; 66 A3
        mov [DATA + 0x34], eax            ; A3
ENDCASE

CASE "movzx_movsx_8_16"
        mov eax, 0x000080FF
        movzx ecx, al
        movsx edx, al
        movzx esi, ax
        movsx edi, ax
        movsx bp, ah
        movzx ax, ah
ENDCASE

CASE "movzx_movsx_mem"
        mov byte [DATA + 0x40], 0x80
        mov word [DATA + 0x42], 0x8001
        movsx eax, byte [DATA + 0x40]
        movzx ecx, byte [DATA + 0x40]
        movsx edx, word [DATA + 0x42]
        movzx esi, word [DATA + 0x42]
ENDCASE

CASE "cbw_cwde_cwd_cdq"
        mov eax, 0x12345680
        cbw
        mov ecx, eax
        mov eax, 0x1234FFFF
        cwde
        mov esi, eax
        mov eax, 0x00008000
        cwd
        mov edi, edx
        mov eax, 0x80000000
        cdq
ENDCASE

CASE "xchg_registers_all_sizes"
        xchg eax, ecx
        xchg dx, si
        xchg ah, dl
        xchg al, ch
        xchg eax, eax
ENDCASE

CASE "xchg_memory"
        mov eax, 0x01020304
        xchg [DATA + 0x50], eax
        xchg cl, [DATA + 0x60]
        xchg [DATA + 0x62], dx
ENDCASE

CASE "xadd_register_and_memory"
        mov eax, 5
        mov ecx, 7
        xadd eax, ecx
        mov edx, 0x80000000
        xadd [DATA + 0x70], edx
        mov dl, 0xFF
        lock xadd [DATA + 0x74], dl
ENDCASE

CASE "cmpxchg_equal_stores"
        mov dword [DATA + 0x80], 0x11111111
        mov eax, 0x11111111
        mov ecx, 0x22222222
        cmpxchg [DATA + 0x80], ecx
ENDCASE

CASE "cmpxchg_not_equal_loads"
        mov dword [DATA + 0x84], 0x33333333
        mov eax, 0x11111111
        mov ecx, 0x22222222
        lock cmpxchg [DATA + 0x84], ecx
ENDCASE

CASE "cmpxchg8_16_register"
        mov eax, 0x000000AA
        mov ecx, 0x000000AA
        mov edx, 0x000000BB
        cmpxchg cl, dl
        mov eax, 0x00001234
        mov esi, 0x00004321
        cmpxchg si, dx
ENDCASE

CASE "cmpxchg8b_equal"
        mov dword [DATA + 0x90], 0x11111111
        mov dword [DATA + 0x94], 0x22222222
        mov eax, 0x11111111
        mov edx, 0x22222222
        mov ecx, 0x44444444
        mov ebx, 0x33333333               ; ECX:EBX is the value stored
        cmpxchg8b [DATA + 0x90]
        mov ebx, DATA
ENDCASE

CASE "cmpxchg8b_not_equal"
        mov dword [DATA + 0x98], 0x11111111
        mov dword [DATA + 0x9C], 0x22222222
        mov eax, 0
        mov edx, 0x22222222
        lock cmpxchg8b [ebx + 0x98]
ENDCASE

CASE "mov_esp_relative_all_sizes"
        mov [esp - 4], eax
        mov [esp - 6], cx
        mov [esp - 7], dh
        mov esi, [esp - 8]
ENDCASE

CASE "lea_forms"
        lea eax, [ebx + ecx*4 + 0x10]
        lea ecx, [eax + eax*2]
        lea edx, [esp + 8]
        lea esi, [ebp - 1]
        lea edi, [0x12345678]
        lea ebp, [edi*8]
        lea ax, [ebx + esi + 3]
ENDCASE

CASE "nop_forms"
        nop
        db 0x0F, 0x1F, 0x00               ; nop dword [eax]
        db 0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00
        xchg ax, ax
ENDCASE
