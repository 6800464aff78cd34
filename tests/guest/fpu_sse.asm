; fpu_sse: x87 after FNINIT (control word, FSQRT, FIDIV, FLDPI, FISTP with
; round-to-nearest), then SSE/SSE2 after the guest sets CR0.MP/NE, clears
; CR0.EM and sets CR4.OSFXSR/OSXMMEXCPT: MXCSR default, scalar double and
; single arithmetic with rounding and truncating conversions, packed integer
; adds and a shuffle.
; expect-exit: 1
; expect: fcw=037f
; expect: x87 sqrt(2)*1e6=1414214 355/113*1e6=3141593 pi*1e8=314159265
; expect: mxcsr=00001f80
; expect: sse2 sqrt(2)*1e6: cvtsd2si=1414214 cvttsd2si=1414213
; expect: sse 1/3f bits=3eaaaaab
; expect: paddd+pshufd: 00000044 00000033 00000022 00000011

%include "guest.inc"

main:
    ; x87
    fninit
    fnstcw [scratch]
    print "fcw="
    movzx eax, word [scratch]
    mov ecx, 4
    call put_hex_digits
    call newline

    print "x87 sqrt(2)*1e6="
    fild dword [two]
    fsqrt
    fimul dword [million]
    fistp dword [scratch]
    print_dec [scratch]
    print " 355/113*1e6="
    fild dword [n355]
    fidiv dword [n113]
    fimul dword [million]
    fistp dword [scratch]
    print_dec [scratch]
    print " pi*1e8="
    fldpi
    fimul dword [hundred_million]
    fistp dword [scratch]
    print_dec [scratch]
    call newline

    enable_sse

    stmxcsr [scratch]
    print "mxcsr="
    print_hex32 [scratch]
    call newline

    mov eax, 2
    cvtsi2sd xmm0, eax
    sqrtsd xmm0, xmm0
    mov eax, 1000000
    cvtsi2sd xmm1, eax
    mulsd xmm0, xmm1
    cvtsd2si eax, xmm0
    cvttsd2si edx, xmm0
    print "sse2 sqrt(2)*1e6: cvtsd2si="
    print_dec eax
    print " cvttsd2si="
    print_dec edx
    call newline

    mov eax, 1
    cvtsi2ss xmm2, eax
    mov eax, 3
    cvtsi2ss xmm3, eax
    divss xmm2, xmm3
    movd eax, xmm2
    print "sse 1/3f bits="
    print_hex32 eax
    call newline

    movdqu xmm4, [vec_a]
    movdqu xmm5, [vec_b]
    paddd xmm4, xmm5
    pshufd xmm4, xmm4, 0x1B                 ; reverse the four dwords
    movdqu [vec_out], xmm4
    print "paddd+pshufd:"
    mov ecx, 0
.lanes:
    print " "
    print_hex32 [vec_out + ecx * 4]
    inc ecx
    cmp ecx, 4
    jne .lanes
    call newline
    exit 0

section .data
two:                dd 2
million:            dd 1000000
hundred_million:    dd 100000000
n355:               dd 355
n113:               dd 113
align 16
vec_a:              dd 0x01, 0x02, 0x03, 0x04
vec_b:              dd 0x10, 0x20, 0x30, 0x40

section .bss
alignb 16
vec_out:            resd 4
scratch:            resd 1
