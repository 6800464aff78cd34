; SSE2: double-precision arithmetic, integer SIMD on XMM registers (add, multiply, shifts,
; shuffles, compares, pack/unpack), conversions, COMISD flags, MOVD/MOVQ between register files.
%include "case.inc"

SRC equ DATA + 0x100
DST equ DATA + 0x400

%macro TWO 3            ; addr, two doubles
        F64 %1, %2
        F64 %1 + 8, %3
%endmacro

CASE "movapd_movupd_movsd_movdqa_movdqu"
        movapd xmm0, [SRC]
        movupd xmm1, [SRC + 5]
        movsd xmm2, [SRC + 32]
        movdqa xmm3, [SRC + 48]
        movdqu xmm4, [SRC + 7]
        movapd [DST], xmm0
        movupd [DST + 19], xmm1
        movsd [DST + 48], xmm2
        movdqa [DST + 64], xmm3
        movdqu [DST + 81], xmm4
ENDCASE

CASE "addpd_subpd_mulpd_divpd_sqrtpd"
        TWO SRC + 0x40, 1.5, -8.0
        TWO SRC + 0x50, 0.25, 2.0
        movapd xmm0, [SRC + 0x40]
        movapd xmm1, xmm0
        addpd xmm1, [SRC + 0x50]
        movapd [DST], xmm1
        movapd xmm1, xmm0
        subpd xmm1, [SRC + 0x50]
        movapd [DST + 16], xmm1
        movapd xmm1, xmm0
        mulpd xmm1, [SRC + 0x50]
        movapd [DST + 32], xmm1
        divpd xmm0, [SRC + 0x50]
        movapd [DST + 48], xmm0
        sqrtpd xmm1, [SRC + 0x50]
        movapd [DST + 64], xmm1
ENDCASE

CASE "scalar_sd_ops"
        TWO SRC + 0x40, 10.0, 3.0
        movsd xmm0, [SRC + 0x40]
        addsd xmm0, [SRC + 0x48]
        movsd [DST], xmm0
        mulsd xmm0, xmm0
        divsd xmm0, [SRC + 0x48]
        movsd [DST + 8], xmm0
        minsd xmm0, [SRC + 0x40]
        movsd [DST + 16], xmm0
ENDCASE

CASE "paddq_psubq_pmuludq"
        movdqa xmm0, [SRC]
        movdqa xmm1, [SRC + 16]
        movdqa xmm2, xmm0
        paddq xmm2, xmm1
        movdqa [DST], xmm2
        movdqa xmm2, xmm0
        psubq xmm2, xmm1
        movdqa [DST + 16], xmm2
        pmuludq xmm0, xmm1
        movdqa [DST + 32], xmm0
ENDCASE

CASE "integer_add_sub_saturating_xmm"
        movdqa xmm0, [SRC]
        movdqa xmm1, [SRC + 16]
        movdqa xmm2, xmm0
        paddb xmm2, xmm1
        movdqa [DST], xmm2
        movdqa xmm2, xmm0
        paddsw xmm2, xmm1
        movdqa [DST + 16], xmm2
        movdqa xmm2, xmm0
        psubusb xmm2, xmm1
        movdqa [DST + 32], xmm2
        pmaddwd xmm0, xmm1
        movdqa [DST + 48], xmm0
ENDCASE

CASE "shifts_and_byte_shifts"
        movdqa xmm0, [SRC]
        movdqa xmm1, xmm0
        psllq xmm1, 13
        movdqa [DST], xmm1
        movdqa xmm1, xmm0
        psraw xmm1, 3
        movdqa [DST + 16], xmm1
        movdqa xmm1, xmm0
        pslldq xmm1, 5
        movdqa [DST + 32], xmm1
        movdqa xmm1, xmm0
        psrldq xmm1, 9
        movdqa [DST + 48], xmm1
        mov eax, 70
        movd xmm2, eax
        psrlq xmm0, xmm2
        movdqa [DST + 64], xmm0
ENDCASE

CASE "pshufd_pshuflw_pshufhw_punpck"
        movdqa xmm0, [SRC]
        pshufd xmm1, xmm0, 0x1B
        movdqa [DST], xmm1
        pshuflw xmm1, xmm0, 0xB1
        movdqa [DST + 16], xmm1
        pshufhw xmm1, [SRC + 16], 0x4E
        movdqa [DST + 32], xmm1
        movdqa xmm1, xmm0
        punpcklqdq xmm1, [SRC + 32]
        movdqa [DST + 48], xmm1
        punpckhbw xmm0, [SRC + 48]
        movdqa [DST + 64], xmm0
ENDCASE

CASE "pcmpeq_pcmpgt_pmovmskb"
        movdqa xmm0, [SRC]
        movdqa xmm1, [SRC + 16]
        movdqa xmm2, xmm0
        pcmpgtb xmm2, xmm1
        pmovmskb eax, xmm2
        movdqa [DST], xmm2
        pcmpeqd xmm0, xmm0
        movdqa [DST + 16], xmm0
        pmovmskb ecx, xmm0
ENDCASE

CASE "packssdw_packuswb_xmm"
        movdqa xmm0, [SRC]
        movdqa xmm1, xmm0
        packssdw xmm1, [SRC + 16]
        movdqa [DST], xmm1
        packuswb xmm0, [SRC + 32]
        movdqa [DST + 16], xmm0
ENDCASE

CASE "cvt_double_int_single"
        mov eax, -123456
        cvtsi2sd xmm0, eax
        movsd [DST], xmm0
        TWO SRC + 0x40, 2.5, -1.5
        cvtsd2si ecx, [SRC + 0x40]
        cvttsd2si edx, [SRC + 0x48]
        cvtpd2ps xmm1, [SRC + 0x40]
        movaps [DST + 16], xmm1
        cvtps2pd xmm2, xmm1
        movapd [DST + 32], xmm2
        cvtdq2ps xmm3, [SRC]
        movaps [DST + 48], xmm3
        cvttps2dq xmm4, xmm3
        movdqa [DST + 64], xmm4
        cvtpd2dq xmm5, [SRC + 0x40]
        movdqa [DST + 80], xmm5
ENDCASE

CASE "comisd_ucomisd_flags"
        TWO SRC + 0x40, 1.0, -1.0
        movsd xmm0, [SRC + 0x40]
        comisd xmm0, [SRC + 0x48]
        lahf
        mov ecx, eax
        ucomisd xmm0, xmm0
        lahf
        mov edx, eax
        comisd xmm0, [SRC + 0x40]
ENDCASE

CASE "movd_movq_between_files"
        movd xmm0, ecx
        movq [DST], xmm0
        movq xmm1, [SRC]
        movd eax, xmm1
        movdqa [DST + 16], xmm1
        movq mm0, [SRC + 8]
        movq2dq xmm2, mm0
        movdq2q mm1, xmm1
        movdqa [DST + 32], xmm2
        movq [DST + 48], mm1
        emms
ENDCASE

CASE "andpd_xorpd_shufpd_unpck"
        movapd xmm0, [SRC]
        movapd xmm1, [SRC + 16]
        movapd xmm2, xmm0
        andpd xmm2, xmm1
        movapd [DST], xmm2
        movapd xmm2, xmm0
        xorpd xmm2, xmm1
        movapd [DST + 16], xmm2
        movapd xmm2, xmm0
        shufpd xmm2, xmm1, 1
        movapd [DST + 32], xmm2
        unpckhpd xmm0, xmm1
        movapd [DST + 48], xmm0
        movmskpd eax, xmm1
ENDCASE

CASE "pextrw_pinsrw_pavgw_pmaxsw_psadbw_xmm"
        movdqa xmm0, [SRC]
        movdqa xmm1, [SRC + 16]
        pextrw eax, xmm0, 5
        mov ecx, 0x1234
        pinsrw xmm0, ecx, 7
        movdqa [DST], xmm0
        movdqa xmm2, xmm0
        pavgw xmm2, xmm1
        movdqa [DST + 16], xmm2
        movdqa xmm2, xmm0
        pmaxsw xmm2, xmm1
        movdqa [DST + 32], xmm2
        psadbw xmm0, xmm1
        movdqa [DST + 48], xmm0
ENDCASE

CASE "movnti_movntdq_maskmovdqu"
        movnti [DST], ecx
        movdqa xmm0, [SRC]
        movntdq [DST + 16], xmm0
        movdqa xmm1, [SRC + 16]           ; the mask: top bit of each byte
        mov edi, DST + 32
        maskmovdqu xmm0, xmm1
        sfence
ENDCASE
