; Shifts and rotates: SHL SHR SAR ROL ROR RCL RCR by 0, 1, other immediates, >= 32 and by CL,
; on 8/16/32-bit registers and memory; SHLD/SHRD. Counts of 0 must leave every flag alone.
%include "case.inc"

CASE "shl_by_0_keeps_flags"
        mov eax, 0x80000001
        add eax, 0x7FFFFFFF
        shl eax, 0
ENDCASE

CASE "shl_by_1"
        stc
        mov eax, 0xC0000001
        shl eax, 1
        mov ecx, 0x40000000
        shl ecx, 1
ENDCASE

CASE "shl_by_imm_and_32_and_33"
        clc
        mov eax, 0x87654321
        shl eax, 4
        mov ecx, 0x87654321
        shl ecx, 32
        mov edx, 0x87654321
        shl edx, 33
ENDCASE

CASE "shl_by_cl_various"
        stc
        mov ecx, 0
        mov eax, 0x81234567
        shl eax, cl
        mov cl, 1
        shl eax, cl
        mov cl, 31
        shl eax, cl
        mov cl, 0xFF
        mov edx, 0x12345678
        shl edx, cl
ENDCASE

CASE "shl8_16_and_mem"
        stc
        mov eax, 0x00008181
        shl al, 1
        shl ah, 7
        mov cl, 9
        mov edx, 0x8001
        shl dx, cl
        shl byte [DATA + 0x10], 3
        shl word [DATA + 0x12], 1
        shl dword [DATA + 0x14], cl
        shl dword [DATA + 0x18], 17
ENDCASE

CASE "shr_by_0_keeps_flags"
        mov eax, 0x80000001
        add eax, 0x7FFFFFFF
        shr eax, 0
ENDCASE

CASE "shr_by_1"
        stc
        mov eax, 0xC0000001
        shr eax, 1
        mov ecx, 0x40000000
        shr ecx, 1
ENDCASE

CASE "shr_by_imm_and_32_and_33"
        clc
        mov eax, 0x87654321
        shr eax, 4
        mov ecx, 0x87654321
        shr ecx, 32
        mov edx, 0x87654321
        shr edx, 33
ENDCASE

CASE "shr_by_cl_various"
        stc
        mov ecx, 0
        mov eax, 0x81234567
        shr eax, cl
        mov cl, 1
        shr eax, cl
        mov cl, 31
        shr eax, cl
        mov cl, 0xFF
        mov edx, 0x12345678
        shr edx, cl
ENDCASE

CASE "shr8_16_and_mem"
        stc
        mov eax, 0x00008181
        shr al, 1
        shr ah, 7
        mov cl, 9
        mov edx, 0x8001
        shr dx, cl
        shr byte [DATA + 0x10], 3
        shr word [DATA + 0x12], 1
        shr dword [DATA + 0x14], cl
        shr dword [DATA + 0x18], 17
ENDCASE

CASE "sar_by_0_keeps_flags"
        mov eax, 0x80000001
        add eax, 0x7FFFFFFF
        sar eax, 0
ENDCASE

CASE "sar_by_1"
        stc
        mov eax, 0xC0000001
        sar eax, 1
        mov ecx, 0x40000000
        sar ecx, 1
ENDCASE

CASE "sar_by_imm_and_32_and_33"
        clc
        mov eax, 0x87654321
        sar eax, 4
        mov ecx, 0x87654321
        sar ecx, 32
        mov edx, 0x87654321
        sar edx, 33
ENDCASE

CASE "sar_by_cl_various"
        stc
        mov ecx, 0
        mov eax, 0x81234567
        sar eax, cl
        mov cl, 1
        sar eax, cl
        mov cl, 31
        sar eax, cl
        mov cl, 0xFF
        mov edx, 0x12345678
        sar edx, cl
ENDCASE

CASE "sar8_16_and_mem"
        stc
        mov eax, 0x00008181
        sar al, 1
        sar ah, 7
        mov cl, 9
        mov edx, 0x8001
        sar dx, cl
        sar byte [DATA + 0x10], 3
        sar word [DATA + 0x12], 1
        sar dword [DATA + 0x14], cl
        sar dword [DATA + 0x18], 17
ENDCASE

CASE "rol_by_0_keeps_flags"
        mov eax, 0x80000001
        add eax, 0x7FFFFFFF
        rol eax, 0
ENDCASE

CASE "rol_by_1"
        stc
        mov eax, 0xC0000001
        rol eax, 1
        mov ecx, 0x40000000
        rol ecx, 1
ENDCASE

CASE "rol_by_imm_and_32_and_33"
        clc
        mov eax, 0x87654321
        rol eax, 4
        mov ecx, 0x87654321
        rol ecx, 32
        mov edx, 0x87654321
        rol edx, 33
ENDCASE

CASE "rol_by_cl_various"
        stc
        mov ecx, 0
        mov eax, 0x81234567
        rol eax, cl
        mov cl, 1
        rol eax, cl
        mov cl, 31
        rol eax, cl
        mov cl, 0xFF
        mov edx, 0x12345678
        rol edx, cl
ENDCASE

CASE "rol8_16_and_mem"
        stc
        mov eax, 0x00008181
        rol al, 1
        rol ah, 7
        mov cl, 9
        mov edx, 0x8001
        rol dx, cl
        rol byte [DATA + 0x10], 3
        rol word [DATA + 0x12], 1
        rol dword [DATA + 0x14], cl
        rol dword [DATA + 0x18], 17
ENDCASE

CASE "ror_by_0_keeps_flags"
        mov eax, 0x80000001
        add eax, 0x7FFFFFFF
        ror eax, 0
ENDCASE

CASE "ror_by_1"
        stc
        mov eax, 0xC0000001
        ror eax, 1
        mov ecx, 0x40000000
        ror ecx, 1
ENDCASE

CASE "ror_by_imm_and_32_and_33"
        clc
        mov eax, 0x87654321
        ror eax, 4
        mov ecx, 0x87654321
        ror ecx, 32
        mov edx, 0x87654321
        ror edx, 33
ENDCASE

CASE "ror_by_cl_various"
        stc
        mov ecx, 0
        mov eax, 0x81234567
        ror eax, cl
        mov cl, 1
        ror eax, cl
        mov cl, 31
        ror eax, cl
        mov cl, 0xFF
        mov edx, 0x12345678
        ror edx, cl
ENDCASE

CASE "ror8_16_and_mem"
        stc
        mov eax, 0x00008181
        ror al, 1
        ror ah, 7
        mov cl, 9
        mov edx, 0x8001
        ror dx, cl
        ror byte [DATA + 0x10], 3
        ror word [DATA + 0x12], 1
        ror dword [DATA + 0x14], cl
        ror dword [DATA + 0x18], 17
ENDCASE

CASE "rcl_by_0_keeps_flags"
        mov eax, 0x80000001
        add eax, 0x7FFFFFFF
        rcl eax, 0
ENDCASE

CASE "rcl_by_1"
        stc
        mov eax, 0xC0000001
        rcl eax, 1
        mov ecx, 0x40000000
        rcl ecx, 1
ENDCASE

CASE "rcl_by_imm_and_32_and_33"
        clc
        mov eax, 0x87654321
        rcl eax, 4
        mov ecx, 0x87654321
        rcl ecx, 32
        mov edx, 0x87654321
        rcl edx, 33
ENDCASE

CASE "rcl_by_cl_various"
        stc
        mov ecx, 0
        mov eax, 0x81234567
        rcl eax, cl
        mov cl, 1
        rcl eax, cl
        mov cl, 31
        rcl eax, cl
        mov cl, 0xFF
        mov edx, 0x12345678
        rcl edx, cl
ENDCASE

CASE "rcl8_16_and_mem"
        stc
        mov eax, 0x00008181
        rcl al, 1
        rcl ah, 7
        mov cl, 9
        mov edx, 0x8001
        rcl dx, cl
        rcl byte [DATA + 0x10], 3
        rcl word [DATA + 0x12], 1
        rcl dword [DATA + 0x14], cl
        rcl dword [DATA + 0x18], 17
ENDCASE

CASE "rcr_by_0_keeps_flags"
        mov eax, 0x80000001
        add eax, 0x7FFFFFFF
        rcr eax, 0
ENDCASE

CASE "rcr_by_1"
        stc
        mov eax, 0xC0000001
        rcr eax, 1
        mov ecx, 0x40000000
        rcr ecx, 1
ENDCASE

CASE "rcr_by_imm_and_32_and_33"
        clc
        mov eax, 0x87654321
        rcr eax, 4
        mov ecx, 0x87654321
        rcr ecx, 32
        mov edx, 0x87654321
        rcr edx, 33
ENDCASE

CASE "rcr_by_cl_various"
        stc
        mov ecx, 0
        mov eax, 0x81234567
        rcr eax, cl
        mov cl, 1
        rcr eax, cl
        mov cl, 31
        rcr eax, cl
        mov cl, 0xFF
        mov edx, 0x12345678
        rcr edx, cl
ENDCASE

CASE "rcr8_16_and_mem"
        stc
        mov eax, 0x00008181
        rcr al, 1
        rcr ah, 7
        mov cl, 9
        mov edx, 0x8001
        rcr dx, cl
        rcr byte [DATA + 0x10], 3
        rcr word [DATA + 0x12], 1
        rcr dword [DATA + 0x14], cl
        rcr dword [DATA + 0x18], 17
ENDCASE

CASE "rcl8_count_9_is_identity_on_value"
        stc
        mov eax, 0x000000A5
        mov cl, 9
        rcl al, cl
        mov cl, 10
        rcl al, cl
ENDCASE

CASE "rcr16_count_17_and_18"
        clc
        mov eax, 0x0000A5A5
        mov cl, 17
        rcr ax, cl
        stc
        mov cl, 18
        rcr ax, cl
ENDCASE

CASE "rcl32_count_31"
        stc
        mov eax, 0x00000001
        rcl eax, 31
ENDCASE

CASE "sar_negative_by_31_and_cl_40"
        mov eax, 0x80000000
        sar eax, 31
        mov edx, 0x80000000
        mov cl, 40
        sar edx, cl
ENDCASE

CASE "shr8_by_8_clears"
        mov eax, 0xFF
        shr al, 8
        mov ecx, 0x80
        shr cl, 7
ENDCASE

CASE "shl16_by_16_and_17"
        mov eax, 0x12348001
        shl ax, 16
        mov edx, 0x00008001
        shl dx, 17
ENDCASE

CASE "sal_encoding_d0_f0"
        mov eax, 0x40
        db 0xD0, 0xF0 ; sal al, 1 (the /6 alias)
ENDCASE

CASE "shl_cl_zero_after_mul"
        mov eax, 3
        mov edx, 5
        mul edx
        cmp eax, 15
        mov cl, 0
        shl eax, cl
ENDCASE

CASE "ror_by_cl_64"
        mov eax, 0x12345678
        mov cl, 64
        ror eax, cl
        mov cl, 65
        rol eax, cl
ENDCASE

CASE "shld_imm_and_cl"
        mov eax, 0x12345678
        mov edx, 0x9ABCDEF0
        shld eax, edx, 8
        mov cl, 4
        shld eax, edx, cl
ENDCASE

CASE "shrd_imm_and_cl"
        mov eax, 0x12345678
        mov edx, 0x9ABCDEF0
        shrd eax, edx, 12
        mov cl, 31
        shrd eax, edx, cl
ENDCASE

CASE "shld_shrd_by_0_keep_flags"
        mov eax, 0xFFFFFFFF
        add eax, 1
        shld ecx, edx, 0
        mov cl, 32
        shrd edx, esi, cl
ENDCASE

CASE "shld_by_1_overflow"
        mov eax, 0x40000000
        mov edx, 0x80000000
        shld eax, edx, 1
        mov ecx, 0x80000000
        shrd ecx, eax, 1
ENDCASE

CASE "shld16_shrd16"
        mov eax, 0x00001234
        mov edx, 0x0000ABCD
        shld ax, dx, 4
        mov cl, 12
        shrd dx, ax, cl
ENDCASE

CASE "shld16_count_over_16"
        mov eax, 0x00001234
        mov edx, 0x0000ABCD
        shld ax, dx, 20
        mov ecx, 0x12340000
        mov cl, 18
        shrd dx, cx, cl
ENDCASE

CASE "shld_shrd_mem"
        mov edx, 0x89ABCDEF
        shld [DATA + 0x40], edx, 5
        mov cl, 27
        shrd [DATA + 0x44], edx, cl
        shrd word [DATA + 0x48], dx, 3
ENDCASE
