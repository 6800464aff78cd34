; MMX: MOVD/MOVQ, packed add/sub with and without saturation, multiplies, shifts, logic,
; compares, pack/unpack, on registers and memory. Results stored into DATA; EMMS at the end.
%include "case.inc"

SRC equ DATA + 0x100
DST equ DATA + 0x400

%macro LOAD2 0          ; mm0, mm1 from the data pattern; mm2 from registers
        movq mm0, [SRC]
        movq mm1, [SRC + 8]
        movd mm2, eax
%endmacro

CASE "movd_movq_round_trip"
        movd mm0, ecx
        movq [DST], mm0
        movq mm1, [SRC]
        movd edx, mm1
        movd [DST + 8], mm1
        movq mm2, mm1
        movq [DST + 16], mm2
        emms
ENDCASE

CASE "paddb_paddw_paddd_paddq_wrap"
        LOAD2
        movq mm3, mm0
        paddb mm3, mm1
        movq [DST], mm3
        movq mm3, mm0
        paddw mm3, mm1
        movq [DST + 8], mm3
        movq mm3, mm0
        paddd mm3, [SRC + 16]
        movq [DST + 16], mm3
        emms
ENDCASE

CASE "saturating_add_sub"
        LOAD2
        movq mm3, mm0
        paddsb mm3, mm1
        movq [DST], mm3
        movq mm3, mm0
        paddusw mm3, mm1
        movq [DST + 8], mm3
        movq mm3, mm0
        psubsw mm3, mm1
        movq [DST + 16], mm3
        movq mm3, mm0
        psubusb mm3, mm1
        movq [DST + 24], mm3
        emms
ENDCASE

CASE "pmullw_pmulhw_pmaddwd"
        LOAD2
        movq mm3, mm0
        pmullw mm3, mm1
        movq [DST], mm3
        movq mm3, mm0
        pmulhw mm3, mm1
        movq [DST + 8], mm3
        pmaddwd mm0, [SRC + 8]
        movq [DST + 16], mm0
        emms
ENDCASE

CASE "shifts_by_imm_and_register"
        LOAD2
        movq mm3, mm0
        psllw mm3, 3
        movq [DST], mm3
        movq mm3, mm0
        psrad mm3, 7
        movq [DST + 8], mm3
        movq mm3, mm0
        mov ecx, 12
        movd mm4, ecx
        psrlq mm3, mm4
        movq [DST + 16], mm3
        psllq mm0, 64
        movq [DST + 24], mm0
        emms
ENDCASE

CASE "logic_and_compare"
        LOAD2
        movq mm3, mm0
        pand mm3, mm1
        movq [DST], mm3
        movq mm3, mm0
        pandn mm3, mm1
        movq [DST + 8], mm3
        movq mm3, mm0
        por mm3, mm1
        pxor mm3, mm0
        movq [DST + 16], mm3
        movq mm3, mm0
        pcmpeqb mm3, mm0
        movq [DST + 24], mm3
        pcmpgtw mm0, mm1
        movq [DST + 32], mm0
        emms
ENDCASE

CASE "pack_unpack"
        LOAD2
        movq mm3, mm0
        packsswb mm3, mm1
        movq [DST], mm3
        movq mm3, mm0
        packuswb mm3, mm1
        movq [DST + 8], mm3
        movq mm3, mm0
        punpcklbw mm3, mm1
        movq [DST + 16], mm3
        movq mm3, mm0
        punpckhdq mm3, mm1
        movq [DST + 24], mm3
        packssdw mm0, [SRC + 16]
        movq [DST + 32], mm0
        emms
ENDCASE

CASE "mmx_then_x87_after_emms"
        movq mm0, [SRC]
        paddd mm0, mm0
        movq [DST], mm0
        emms
        fld1
        fstp qword [DST + 8]
ENDCASE

CASE "mmx_ext_pminub_pavgb_psadbw"
        LOAD2
        movq mm3, mm0
        pminub mm3, mm1
        movq [DST], mm3
        movq mm3, mm0
        pavgb mm3, mm1
        movq [DST + 8], mm3
        movq mm3, mm0
        psadbw mm3, mm1
        movq [DST + 16], mm3
        pmovmskb eax, mm0
        pextrw ecx, mm1, 2
        emms
ENDCASE

CASE "pshufw_pinsrw_pmulhuw"
        LOAD2
        pshufw mm3, mm0, 0x1B
        movq [DST], mm3
        mov edx, 0xABCD
        pinsrw mm1, edx, 3
        movq [DST + 8], mm1
        pmulhuw mm0, mm1
        movq [DST + 16], mm0
        emms
ENDCASE
