; x87: loads and stores (m32 m64 m80, integers m16 m32 m64), arithmetic, FXCH, comparisons
; through FSTSW AX and FCOMI/FUCOMI (ZF PF CF), constants, transcendental-free functions.
; Results are stored into DATA; the x87 stack is left empty. Inputs at SRC, outputs at DST.
%include "case.inc"

SRC equ DATA + 0x100
DST equ DATA + 0x400

CASE "fld_fstp_m32_m64_m80"
        F32 SRC, 1.5
        F64 SRC + 8, -2.25
        fld dword [SRC]
        fld qword [SRC + 8]
        fld st1
        fstp tword [DST]
        fstp qword [DST + 16]
        fstp dword [DST + 24]
ENDCASE

CASE "fild_fistp_all_sizes"
        mov word [SRC], -1234
        mov dword [SRC + 4], 0x7FFFFFFF
        mov dword [SRC + 8], 0x89ABCDEF
        mov dword [SRC + 12], 0x01234567
        fild word [SRC]
        fild dword [SRC + 4]
        fild qword [SRC + 8]
        fistp qword [DST]
        fistp dword [DST + 8]
        fistp word [DST + 12]
ENDCASE

CASE "fist_rounding_nearest_even"
        F64 SRC, 2.5
        F64 SRC + 8, 3.5
        F64 SRC + 16, -2.5
        fld qword [SRC]
        fistp dword [DST]
        fld qword [SRC + 8]
        fistp dword [DST + 4]
        fld qword [SRC + 16]
        fistp dword [DST + 8]
ENDCASE

CASE "fistp_overflow_integer_indefinite"
        F64 SRC, 1.0e20
        fld qword [SRC]
        fistp dword [DST]
        fnstsw ax
ENDCASE

CASE "fadd_fsub_fmul_fdiv"
        F64 SRC, 10.0
        F64 SRC + 8, 4.0
        fld qword [SRC]
        fadd qword [SRC + 8]
        fst qword [DST]
        fsub qword [SRC + 8]
        fst qword [DST + 8]
        fmul qword [SRC + 8]
        fst qword [DST + 16]
        fdiv qword [SRC + 8]
        fstp qword [DST + 24]
ENDCASE

CASE "freverse_ops_and_pops"
        F64 SRC, 3.0
        F64 SRC + 8, 12.0
        fld qword [SRC]
        fld qword [SRC + 8]
        fsubr st1, st0
        fdivrp st1, st0
        fstp qword [DST]
        fld qword [SRC]
        fsubr qword [SRC + 8]
        fstp qword [DST + 8]
ENDCASE

CASE "faddp_fmulp_register_forms"
        F32 SRC, 2.0
        F32 SRC + 4, 5.0
        fld dword [SRC]
        fld dword [SRC + 4]
        fld st1
        faddp st2, st0
        fmulp st1, st0
        fstp dword [DST]
        fstp dword [DST + 4]
ENDCASE

CASE "fiadd_fimul_integer_operands"
        mov dword [SRC], 7
        mov word [SRC + 4], -3
        fld1
        fiadd dword [SRC]
        fimul word [SRC + 4]
        fisub dword [SRC]
        fidivr word [SRC + 4]
        fstp qword [DST]
ENDCASE

CASE "fxch_and_stack_order"
        fld1
        fldz
        fldpi
        fxch st2
        fstp qword [DST]
        fxch
        fstp qword [DST + 8]
        fstp qword [DST + 16]
ENDCASE

CASE "constants"
        fld1
        fstp tword [DST]
        fldz
        fstp tword [DST + 10]
        fldpi
        fstp tword [DST + 20]
        fldl2e
        fstp tword [DST + 30]
        fldln2
        fstp tword [DST + 40]
        fldlg2
        fstp tword [DST + 50]
        fldl2t
        fstp tword [DST + 60]
ENDCASE

CASE "fsqrt_fabs_fchs_frndint"
        F64 SRC, -6.25
        fld qword [SRC]
        fabs
        fsqrt
        fst qword [DST]
        fchs
        fst qword [DST + 8]
        frndint
        fstp qword [DST + 16]
ENDCASE

CASE "fcom_fstsw_ax_less_equal_greater"
        F64 SRC, 1.0
        F64 SRC + 8, 2.0
        fld qword [SRC]
        fcom qword [SRC + 8]
        fnstsw ax
        mov ecx, eax
        fcom qword [SRC]
        fstsw ax
        mov edx, eax
        fld qword [SRC + 8]
        fcomp st1
        fnstsw ax
        fstp st0
ENDCASE

CASE "fcom_fstsw_sahf_branchless"
        F64 SRC, 5.0
        fld qword [SRC]
        fldz
        fcompp
        fnstsw ax
        sahf
        mov ecx, 0
        setb cl
ENDCASE

CASE "fcomi_sets_zf_pf_cf"
        F64 SRC, 1.0
        F64 SRC + 8, 2.0
        fld qword [SRC + 8]
        fld qword [SRC]
        fcomi st0, st1
        mov eax, 0
        setb al
        setz ah
        fcomip st0, st1
        fstp st0
ENDCASE

CASE "fcomi_equal_and_greater"
        F64 SRC, 3.0
        fld qword [SRC]
        fld qword [SRC]
        fcomi st0, st1
        lahf
        mov ecx, eax
        fld1
        fcomip st0, st1
        fstp st0
        fstp st0
ENDCASE

CASE "fucomi_unordered_nan"
        mov dword [SRC], 0x7FC00000        ; quiet NaN
        fld1
        fld dword [SRC]
        fucomi st0, st1
        lahf
        fstp st0
        fucomp st0
        fnstsw ax
ENDCASE

CASE "fcmov_conditional_moves"
        fld1
        fldz
        stc
        fcmovb st0, st1
        fstp qword [DST]
        fldz
        cmp eax, eax
        fcmovne st0, st1
        fstp qword [DST + 8]
        fstp st0
ENDCASE

CASE "ftst_fxam"
        F64 SRC, -0.0
        fld qword [SRC]
        ftst
        fnstsw ax
        mov ecx, eax
        fxam
        fnstsw ax
        fstp st0
ENDCASE

CASE "fprem_fscale_fxtract"
        F64 SRC, 17.5
        F64 SRC + 8, 5.0
        fld qword [SRC + 8]
        fld qword [SRC]
        fprem
        fstp qword [DST]
        fstp st0
        fld1
        fld qword [SRC]
        fscale
        fstp qword [DST + 8]
        fstp st0
        fld qword [SRC]
        fxtract
        fstp qword [DST + 16]
        fstp qword [DST + 24]
ENDCASE

CASE "fnstcw_fldcw_round_toward_zero"
        fnstcw [DST]
        mov word [SRC], 0x0F7F              ; round toward zero, all masked
        fldcw [SRC]
        F64 SRC + 8, -2.7
        fld qword [SRC + 8]
        fistp dword [DST + 4]
        fldcw [DST]
ENDCASE

CASE "fdiv_by_zero_masked_infinity"
        fld1
        fldz
        fdivp st1, st0
        fstp qword [DST]
        fnstsw ax
        fnclex
        fnstsw [DST + 8]
ENDCASE

CASE "fbld_fbstp_packed_bcd"
        mov dword [SRC], 0x87654321
        mov dword [SRC + 4], 0x00000009
        mov word [SRC + 8], 0x8000          ; negative
        fbld [SRC]
        fbstp [DST]
ENDCASE

CASE "fild_fstp_m80_precision"
        mov dword [SRC], 0xFFFFFFFF
        mov dword [SRC + 4], 0x7FFFFFFF
        fild qword [SRC]
        fst qword [DST]                    ; rounds to double
        fstp tword [DST + 8]               ; exact
ENDCASE
