; SSE3: horizontal add/sub, ADDSUB, duplicating moves, LDDQU.
%include "case.inc"

SRC equ DATA + 0x100
DST equ DATA + 0x400

CASE "addsubps_addsubpd"
        F32 SRC + 0x40, 1.0
        F32 SRC + 0x44, 2.0
        F32 SRC + 0x48, 3.0
        F32 SRC + 0x4C, 4.0
        movaps xmm0, [SRC + 0x40]
        movaps xmm1, xmm0
        addsubps xmm1, xmm0
        movaps [DST], xmm1
        F64 SRC + 0x50, 1.5
        F64 SRC + 0x58, -0.5
        movapd xmm2, [SRC + 0x50]
        addsubpd xmm2, [SRC + 0x50]
        movapd [DST + 16], xmm2
ENDCASE

CASE "haddps_hsubps"
        F32 SRC + 0x40, 1.0
        F32 SRC + 0x44, 2.0
        F32 SRC + 0x48, 3.0
        F32 SRC + 0x4C, 4.0
        movaps xmm0, [SRC + 0x40]
        movaps xmm1, xmm0
        haddps xmm1, [SRC]
        movaps [DST], xmm1
        hsubps xmm0, xmm0
        movaps [DST + 16], xmm0
ENDCASE

CASE "haddpd_hsubpd"
        F64 SRC + 0x40, 10.0
        F64 SRC + 0x48, 0.25
        movapd xmm0, [SRC + 0x40]
        movapd xmm1, xmm0
        haddpd xmm1, xmm0
        movapd [DST], xmm1
        hsubpd xmm0, [SRC + 0x40]
        movapd [DST + 16], xmm0
ENDCASE

CASE "movddup_movshdup_movsldup"
        movddup xmm0, [SRC + 8]
        movapd [DST], xmm0
        movshdup xmm1, [SRC]
        movaps [DST + 16], xmm1
        movsldup xmm2, [SRC + 16]
        movaps [DST + 32], xmm2
        movddup xmm3, xmm2
        movaps [DST + 48], xmm3
ENDCASE

CASE "lddqu_unaligned"
        lddqu xmm0, [SRC + 3]
        movdqu [DST + 1], xmm0
        lddqu xmm1, [SRC + 0x7F]
        movdqu [DST + 0x21], xmm1
ENDCASE

CASE "fisttp_truncates"
        F64 SRC + 0x40, -2.9
        fld qword [SRC + 0x40]
        fisttp dword [DST]
        F64 SRC + 0x48, 7.99
        fld qword [SRC + 0x48]
        fisttp qword [DST + 8]
        fld qword [SRC + 0x48]
        fisttp word [DST + 16]
ENDCASE
