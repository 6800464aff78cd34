; SSE: packed and scalar single-precision arithmetic, moves, shuffles, conversions, COMISS and
; UCOMISS flags (ZF PF CF; OF SF AF cleared), MXCSR. Inputs from the data pattern at SRC or from
; F32 constants; results stored at DST.
%include "case.inc"

SRC equ DATA + 0x100
DST equ DATA + 0x400

%macro FOUR 5           ; addr, four floats
        F32 %1, %2
        F32 %1 + 4, %3
        F32 %1 + 8, %4
        F32 %1 + 12, %5
%endmacro

CASE "movaps_movups_movss"
        movaps xmm0, [SRC]
        movups xmm1, [SRC + 3]
        movss xmm2, [SRC + 32]
        movaps [DST], xmm0
        movups [DST + 17], xmm1
        movss [DST + 48], xmm2
        movaps xmm3, xmm1
        movss xmm3, xmm2
        movups [DST + 64], xmm3
ENDCASE

CASE "addps_subps_mulps_divps"
        FOUR SRC + 0x40, 1.5, -2.0, 3.25, 100.0
        FOUR SRC + 0x50, 0.5, 4.0, -1.0, 0.0
        movaps xmm0, [SRC + 0x40]
        movaps xmm1, xmm0
        addps xmm1, [SRC + 0x50]
        movaps [DST], xmm1
        movaps xmm1, xmm0
        subps xmm1, [SRC + 0x50]
        movaps [DST + 16], xmm1
        movaps xmm1, xmm0
        mulps xmm1, [SRC + 0x50]
        movaps [DST + 32], xmm1
        divps xmm0, [SRC + 0x50]
        movaps [DST + 48], xmm0
ENDCASE

CASE "scalar_ss_ops_keep_upper"
        movaps xmm0, [SRC]
        FOUR SRC + 0x40, 9.0, 2.0, 3.0, 4.0
        movaps xmm1, [SRC + 0x40]
        addss xmm0, xmm1
        movaps [DST], xmm0
        sqrtss xmm2, xmm1
        movaps [DST + 16], xmm2
        maxss xmm1, [SRC]
        movaps [DST + 32], xmm1
ENDCASE

CASE "sqrtps_rcpps_rsqrtps_minps_maxps"
        FOUR SRC + 0x40, 4.0, 2.0, 0.25, -1.0
        movaps xmm0, [SRC + 0x40]
        sqrtps xmm1, xmm0
        movaps [DST], xmm1
        rcpps xmm1, xmm0
        movaps [DST + 16], xmm1
        rsqrtps xmm1, xmm0
        movaps [DST + 32], xmm1
        movaps xmm1, xmm0
        minps xmm1, [SRC]
        movaps [DST + 48], xmm1
        maxps xmm0, [SRC]
        movaps [DST + 64], xmm0
ENDCASE

CASE "logic_andps_orps_xorps_andnps"
        movaps xmm0, [SRC]
        movaps xmm1, [SRC + 16]
        movaps xmm2, xmm0
        andps xmm2, xmm1
        movaps [DST], xmm2
        movaps xmm2, xmm0
        andnps xmm2, xmm1
        movaps [DST + 16], xmm2
        orps xmm0, xmm1
        xorps xmm0, [SRC + 32]
        movaps [DST + 32], xmm0
ENDCASE

CASE "shufps_unpck_movhl_movlh"
        movaps xmm0, [SRC]
        movaps xmm1, [SRC + 16]
        movaps xmm2, xmm0
        shufps xmm2, xmm1, 0x4E
        movaps [DST], xmm2
        movaps xmm2, xmm0
        unpcklps xmm2, xmm1
        movaps [DST + 16], xmm2
        movaps xmm2, xmm0
        unpckhps xmm2, xmm1
        movaps [DST + 32], xmm2
        movaps xmm2, xmm0
        movhlps xmm2, xmm1
        movlhps xmm0, xmm1
        movaps [DST + 48], xmm2
        movaps [DST + 64], xmm0
        movhps [DST + 80], xmm1
        movlps xmm1, [SRC + 40]
        movaps [DST + 96], xmm1
ENDCASE

CASE "cmpps_predicates_and_movmskps"
        FOUR SRC + 0x40, 1.0, 2.0, 3.0, 4.0
        FOUR SRC + 0x50, 1.0, 3.0, 2.0, 4.0
        movaps xmm0, [SRC + 0x40]
        movaps xmm1, xmm0
        cmpeqps xmm1, [SRC + 0x50]
        movaps [DST], xmm1
        movaps xmm1, xmm0
        cmpltps xmm1, [SRC + 0x50]
        movaps [DST + 16], xmm1
        movaps xmm1, xmm0
        cmpnleps xmm1, [SRC + 0x50]
        movmskps eax, xmm1
        movaps [DST + 32], xmm1
ENDCASE

CASE "comiss_less_equal_greater"
        F32 SRC + 0x40, 1.0
        F32 SRC + 0x44, 2.0
        movss xmm0, [SRC + 0x40]
        movss xmm1, [SRC + 0x44]
        comiss xmm0, xmm1
        lahf
        mov ecx, eax
        comiss xmm0, xmm0
        lahf
        mov edx, eax
        comiss xmm1, [SRC + 0x40]
ENDCASE

CASE "ucomiss_nan_unordered"
        mov dword [SRC + 0x40], 0x7FC00000
        movss xmm0, [SRC + 0x40]
        F32 SRC + 0x44, 1.0
        ucomiss xmm0, [SRC + 0x44]
ENDCASE

CASE "cvt_si2ss_ss2si_tss2si"
        mov eax, -7
        cvtsi2ss xmm0, eax
        movss [DST], xmm0
        F32 SRC + 0x40, 2.5
        F32 SRC + 0x44, -3.75
        cvtss2si ecx, [SRC + 0x40]
        cvttss2si edx, [SRC + 0x44]
        F32 SRC + 0x48, 3.0e10
        cvtss2si esi, [SRC + 0x48]         ; out of range: integer indefinite
ENDCASE

CASE "cvtpi2ps_cvtps2pi_mmx"
        mov dword [SRC + 0x40], 5
        mov dword [SRC + 0x44], -9
        cvtpi2ps xmm0, [SRC + 0x40]
        movaps [DST], xmm0
        cvtps2pi mm0, xmm0
        movq [DST + 16], mm0
        emms
ENDCASE

CASE "mxcsr_rounding_mode"
        stmxcsr [DST]
        mov dword [SRC + 0x40], 0x1F80 | 0x6000   ; round toward zero
        ldmxcsr [SRC + 0x40]
        F32 SRC + 0x44, -2.7
        cvtss2si eax, [SRC + 0x44]
        stmxcsr [DST + 4]
        ldmxcsr [DST]
ENDCASE

CASE "divss_by_zero_sets_mxcsr_flag"
        xorps xmm1, xmm1
        F32 SRC + 0x40, 1.0
        movss xmm0, [SRC + 0x40]
        divss xmm0, xmm1
        movss [DST], xmm0
        stmxcsr [DST + 4]
        mov dword [SRC + 0x44], 0x1F80
        ldmxcsr [SRC + 0x44]
ENDCASE
