; Miscellaneous innocuous instructions: XLAT, LAHF/SAHF, CLC/STC/CMC, CLD/STD, SALC, BOUND (in
; bounds and #BR), ARPL (register and memory forms), UD2 and a bad LOCK (#UD). CPUID,
; PUSHF/POPF and other sensitive instructions are not here: native results would differ from
; what bt86 must present.
%include "case.inc"

CASE "xlat_reads_ebx_plus_al"
        mov eax, 0x12345610
        xlatb
        mov ecx, eax
        mov al, 0xFF
        xlatb
ENDCASE

CASE "xlat_table_elsewhere"
        mov ebx, DATA + 0x100
        mov byte [DATA + 0x100 + 0x42], 0x99
        mov eax, 0x42
        xlatb
        mov ebx, DATA
ENDCASE

CASE "lahf_after_arithmetic"
        mov eax, 0x7FFFFFFF
        add eax, 1
        lahf
        mov ecx, eax
        sub eax, eax                      ; (XOR would leave AF undefined for LAHF to read)
        lahf
ENDCASE

CASE "sahf_sets_five_flags"
        mov eax, 0xFF00
        sahf
        mov ecx, 0
        setc cl
        mov eax, 0x0000
        sahf
ENDCASE

CASE "sahf_keeps_of"
        mov eax, 0x7FFFFFFF
        add eax, 1                        ; OF set
        mov ah, 0x00
        sahf
ENDCASE

CASE "clc_stc_cmc"
        clc
        cmc
        mov eax, 0
        adc eax, 0
        stc
        cmc
        adc eax, 0
        stc
ENDCASE

CASE "std_cld"
        std
        mov eax, 1
        cld
        std
ENDCASE

CASE "salc_carry_and_not"
        stc
        salc
        mov ecx, eax
        clc
        salc
ENDCASE

CASE "bound_within"
        mov dword [DATA + 0x10], -10
        mov dword [DATA + 0x14], 10
        mov eax, -10
        bound eax, [DATA + 0x10]
        mov eax, 10
        bound eax, [DATA + 0x10]
        mov eax, 0
        bound eax, [DATA + 0x10]
ENDCASE

CASE "bound16_within"
        mov word [DATA + 0x20], 0x0010
        mov word [DATA + 0x22], 0x0020
        mov eax, 0xFFFF0015
        bound ax, [DATA + 0x20]
ENDCASE

CASE "bound_above_fault"
        mov dword [DATA + 0x10], -10
        mov dword [DATA + 0x14], 10
        mov eax, 11
        bound eax, [DATA + 0x10]
ENDCASE

CASE "bound_below_fault"
        mov dword [DATA + 0x10], 0
        mov dword [DATA + 0x14], 10
        mov ecx, -1
        bound ecx, [DATA + 0x10]
ENDCASE

CASE "arpl_raises_rpl"
        mov eax, 0x00000010               ; destination selector, RPL 0
        mov ecx, 0x00000003               ; source RPL 3
        arpl ax, cx
        mov edx, 0
        setz dl
ENDCASE

CASE "arpl_keeps_higher_rpl"
        mov eax, 0x12340013
        mov ecx, 0x00000001
        arpl ax, cx
        mov edx, 0
        setz dl
        arpl [DATA + 0x30], cx
ENDCASE

CASE "ud2_fault"
        mov eax, 1
        ud2
        mov eax, 2
ENDCASE

CASE "invalid_lock_prefix_fault"
        db 0xF0, 0x90                     ; lock nop: #UD
ENDCASE

CASE "nop_and_pause"
        nop
        pause
        fwait
ENDCASE

CASE "bswap_then_xlat_chain"
        mov eax, 0x07000000
        bswap eax
        xlatb
ENDCASE

CASE "cmc_sequence_flags_only"
        cmc
        cmc
        cmc
ENDCASE

CASE "lea_does_not_touch_flags"
        stc
        mov eax, 0x80000000
        add eax, eax
        lea ecx, [eax + 1]
        lea edx, [ecx*4 + 8]
ENDCASE
