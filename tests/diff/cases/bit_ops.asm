; BT BTS BTR BTC with immediate and register offsets on registers and memory (register offsets
; on memory address bits beyond the operand, including negative ones), BSF, BSR, BSWAP.
%include "case.inc"

CASE "bt_reg_imm_set_and_clear"
        mov eax, 0x80000001
        bt eax, 0
        mov ecx, 0
        adc ecx, 0
        bt eax, 1
        adc ecx, 0
        bt eax, 31
        adc ecx, 0
ENDCASE

CASE "bts_btr_btc_reg"
        mov eax, 0x0000FF00
        bts eax, 4
        btr eax, 8
        btc eax, 31
        btc eax, 31
ENDCASE

CASE "bt_reg_offset_mod_32"
        mov eax, 0x00000004
        mov ecx, 34
        bt eax, ecx
        mov edx, 0
        setc dl
ENDCASE

CASE "bt16_offset_mod_16"
        mov eax, 0x00000002
        mov ecx, 17
        bt ax, cx
        bts ax, cx
ENDCASE

CASE "bt_mem_imm"
        bt dword [DATA + 0x10], 3
        bts dword [DATA + 0x14], 31
        btr word [DATA + 0x18], 15
        btc dword [DATA + 0x1C], 40       ; immediate offsets wrap within the operand
ENDCASE

CASE "bt_mem_reg_far_positive"
        mov ecx, 100                      ; dword 3, bit 4
        bts dword [DATA + 0x20], ecx
        mov ecx, 0x1000 * 8 + 5
        btc dword [DATA], ecx
ENDCASE

CASE "bt_mem_reg_negative"
        mov ecx, -1                       ; the bit just below [DATA + 0x40]
        btr dword [DATA + 0x40], ecx
        mov ecx, -33
        bts dword [DATA + 0x40], ecx
ENDCASE

CASE "bt16_mem_reg"
        mov ecx, 0x00000021               ; word 2, bit 1
        btc word [DATA + 0x50], cx
        mov cx, -2
        bts word [DATA + 0x60], cx
ENDCASE

CASE "lock_bts_mem"
        mov eax, 7
        lock bts dword [DATA + 0x70], eax
        lock btr dword [DATA + 0x74], 2
ENDCASE

CASE "bsf_bsr_nonzero"
        mov eax, 0x00F00800
        bsf ecx, eax
        bsr edx, eax
        bsf si, ax
        bsr di, ax
ENDCASE

CASE "bsf_bsr_mem"
        mov dword [DATA + 0x80], 0x80000000
        bsf eax, [DATA + 0x80]
        bsr ecx, [DATA + 0x80]
ENDCASE

CASE "bsf_bsr_zero_source_sets_zf"
        mov eax, 0
        mov ecx, 0x11111111
        bsf ecx, eax                      ; destination undefined by the SDM, unchanged here
        mov ecx, 0
        bsr edx, eax
        mov edx, 0
ENDCASE

CASE "bswap_all_registers"
        mov eax, 0x11223344
        mov ecx, 0x55667788
        mov edx, 0x99AABBCC
        mov esi, 0xDDEEFF00
        bswap eax
        bswap ecx
        bswap edx
        bswap esi
        bswap edi
        bswap ebp
ENDCASE
