; Addressing modes: absolute disp32 with non-accumulator registers, base+disp8/disp32, EBP base
; (mod 01 with disp 0), ESP base with and without index, SIB with every scale and no base,
; high-byte registers with ESP-relative operands, and 32-bit wrap-around past 0xFFFFFFFF.
; Only the code and data areas are common to both runners: no case touches memory elsewhere.
%include "case.inc"

CASE "absolute_disp32_all_registers"
        mov ecx, [DATA + 0x40]            ; 8B 0D disp32
        mov edx, [DATA + 0x44]
        mov [DATA + 0x48], esi
        add [DATA + 0x4C], edi
        mov dh, [DATA + 0x50]
ENDCASE

CASE "base_disp8_disp32"
        mov eax, [ebx + 0x10]
        mov ecx, [ebx + 0x1000]
        mov [ebx + 0x7F], ax
        mov [ebx + 0x80], cl
ENDCASE

CASE "ebp_base_needs_disp"
        mov ebp, DATA + 0x200
        mov eax, [ebp]                    ; 8B 45 00
        mov ecx, [ebp + 4]
        mov [ebp + 0x1000], edx
        lea esi, [ebp + 8]
ENDCASE

CASE "esp_base_and_esp_sib"
        push dword 0x11223344
        push dword 0x55667788
        mov eax, [esp]
        mov ecx, [esp + 4]
        mov esi, 1
        mov edx, [esp + esi*4]
        add esp, 8
ENDCASE

CASE "esp_relative_high_byte_registers"
        mov eax, 0x0000AB00
        mov ebx, 0x0000CD00
        mov ecx, 0x0000EF00
        mov edx, 0x00001200
        mov [esp - 1], ah
        mov [esp - 2], bh
        mov [esp - 3], ch
        mov [esp - 4], dh
        add [esp - 4], ah
        mov ah, [esp - 3]
        mov bh, [esp - 2]
        mov ebx, DATA
ENDCASE

CASE "sib_all_scales"
        mov esi, 4
        mov eax, [ebx + esi]
        mov ecx, [ebx + esi*2]
        mov edx, [ebx + esi*4 + 0x10]
        mov edi, [ebx + esi*8 + 0x1000]
ENDCASE

CASE "sib_no_base_disp32"
        mov esi, 0x10
        mov eax, [esi*4 + DATA]
        mov [esi*8 + DATA + 0x100], eax
ENDCASE

CASE "sib_ebp_base_and_index"
        mov ebp, DATA + 0x300
        mov ecx, 3
        mov eax, [ebp + ecx*4]            ; mod 01, base 101
        mov [ebp + ecx*8 + 0x400], eax
ENDCASE

CASE "sib_index_equals_base"
        mov eax, DATA / 2
        mov ecx, [eax + eax + 0x20]
ENDCASE

CASE "wraparound_base_plus_disp"
        mov esi, DATA + 0x10
        mov eax, [esi - 0x10]             ; disp8 0xF0: DATA + 0x10 + 0xFFFFFFF0 wraps to DATA
        mov ecx, [dword esi - 0x8]        ; the same with disp32 0xFFFFFFF8
        mov dword [dword esi - 0x4], 1
ENDCASE

CASE "wraparound_index_scale"
        mov ecx, 0x40000000
        mov eax, [ebx + ecx*4 + 0x30]     ; 4 * 0x40000000 wraps to 0
        mov [ebx + ecx*8 + 0x34], eax
ENDCASE

CASE "wraparound_negative_base"
        mov esi, -0x10
        mov eax, [esi + DATA + 0x10]
        mov edi, 0xFFFFFFFF
        mov [edi + DATA + 1 + 0x40], eax
ENDCASE

CASE "wraparound_lea_32bit"
        mov eax, 0xFFFFFFF0
        lea ecx, [eax + 0x20]
        lea edx, [eax*2 + eax]
ENDCASE

CASE "disp8_negative"
        mov esi, DATA + 0x100
        mov eax, [esi - 0x80]
        mov [esi - 1], al
ENDCASE

CASE "memory_operand_in_every_modrm_register"
        mov eax, DATA + 0x10
        mov ecx, DATA + 0x20
        mov edx, DATA + 0x30
        mov esi, DATA + 0x40
        mov edi, DATA + 0x50
        mov ebp, DATA + 0x60
        inc dword [eax]
        inc dword [ecx]
        inc dword [edx]
        inc dword [ebx]
        inc dword [esi]
        inc dword [edi]
        inc dword [ebp]
        inc dword [esp]
ENDCASE

CASE "unaligned_accesses"
        mov eax, [DATA + 0x101]
        mov cx, [DATA + 0x103]
        mov [DATA + 0x1FF], eax
        add [DATA + 0x2FD], cx
ENDCASE

CASE "access_last_data_bytes"
        mov eax, [DATA + DATA_SIZE - 4]
        mov byte [DATA + DATA_SIZE - 1], 0x5A
ENDCASE
