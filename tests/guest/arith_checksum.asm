; arith_checksum: 100000 iterations of a loop mixing ADD/ADC/SUB/SBB, IMUL,
; MUL, DIV, IDIV/CDQ, shifts and rotates (incl. SHLD/SHRD, RCL/RCR), BSWAP,
; NEG/NOT, BT/BSF, CMOVcc/SETcc, LEA, 16- and 8-bit forms and MOVSX; prints
; the final registers in hex. The expected value comes from an independent
; Python model of the loop (and matches QEMU).
; expect-exit: 1
; expect: checksum: 68292bed 6a67e12d 88825db8 2f955e81

%include "guest.inc"

N equ 100000

main:
    mov eax, 0x12345678
    mov ebx, 0x9E3779B9
    xor esi, esi
    xor edi, edi
    mov ecx, N
.loop:
    ; xorshift32 on EBX
    mov edx, ebx
    shl edx, 13
    xor ebx, edx
    mov edx, ebx
    shr edx, 17
    xor ebx, edx
    mov edx, ebx
    shl edx, 5
    xor ebx, edx
    ; ADD/ADC, ROL, IMUL imm, XOR
    add eax, ebx
    adc esi, 0
    rol eax, 7
    imul eax, eax, 0x01000193
    xor eax, ecx
    ; widening MUL
    mov ebp, eax
    mul ebx
    add edi, edx
    xor eax, ebp
    ; SUB/SBB, SAR
    sub edi, eax
    sbb esi, 0
    mov edx, eax
    sar edx, 3
    add edi, edx
    ; unsigned DIV
    mov ebp, eax
    mov eax, edi
    xor edx, edx
    push ebx
    or ebx, 1
    div ebx
    pop ebx
    add esi, edx
    xor esi, eax
    mov eax, ebp
    ; signed IDIV with CDQ
    mov ebp, eax
    mov eax, esi
    cdq
    push ecx
    or ecx, 1
    idiv ecx
    pop ecx
    add edi, eax
    sub edi, edx
    mov eax, ebp
    ; SHLD/SHRD
    mov edx, ebx
    shld edx, eax, 9
    xor edi, edx
    shrd eax, esi, 5
    ; BSWAP, NOT, NEG (CF = operand was non-zero)
    bswap esi
    not edi
    neg eax
    adc esi, 0
    ; BT + SBB, BSF, CMOVcc, SETcc
    bt ebx, 3
    sbb edx, edx
    and edx, 0x55
    add eax, edx
    bsf edx, ebx
    add esi, edx
    mov edx, edi
    cmp eax, ebx
    cmovb edx, esi
    xor eax, edx
    cmp esi, edi
    setl dl
    movzx edx, dl
    add eax, edx
    ; LEA with scaled index
    lea edi, [edi + esi * 4 + 0x1234]
    ; RCL/RCR through CF
    add eax, ebx
    rcl esi, 1
    rcr edi, 3
    ; 16- and 8-bit forms, MOVSX
    add ax, bx
    xor al, ch
    movsx edx, al
    add esi, edx
    dec ecx
    jnz .loop

    print "checksum: "
    print_hex32s eax, esi, edi, ebx
    call newline
    exit 0
