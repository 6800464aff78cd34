; xlat_a16: XLAT and MASKMOVQ with a 16-bit address size (0x67) through a flat DS.
; XLAT reads DS:[BX + AL] and MASKMOVQ writes DS:[DI], the sum wrapped to 16 bits, so
; the upper halves of EBX and EDI must not count. The bug: bt86 copied both with GS and
; its own addr32 prefix in front of the guest's 0x67, which in 64-bit mode means
; [EBX + AL] and [EDI] (here far outside RAM). Bytes: 67 D7 = xlatb (a16);
; 67 0F F7 C1 = maskmovq mm0, mm1 (a16).
; expect-exit: 1
; expect: xlat a16        00000042
; expect: xlat a16 wrap   00000017
; expect: xlat a32        00000099
; expect: maskmovq a16    11ee33cc
; expect: done

%include "guest.inc"

TABLE   equ 0x8000          ; below 64 KiB: reachable with 16-bit addressing

section .text
main:
    mov byte [TABLE + 5], 0x42
    mov byte [0x0002], 0x17
    mov byte [table32 + 7], 0x99

    mov ebx, 0xABCD0000 + TABLE
    mov eax, 0x11111105
    a16 xlatb                       ; AL = DS:[(BX + 5) & 0xFFFF] = [0x8005]
    and eax, 0xFF
    print "xlat a16        "
    print_hex32 eax
    call newline

    mov ebx, 0x5678FFFE
    mov eax, 4
    a16 xlatb                       ; (0xFFFE + 4) & 0xFFFF = 0x0002
    and eax, 0xFF
    print "xlat a16 wrap   "
    print_hex32 eax
    call newline

    mov ebx, table32
    mov eax, 7
    xlatb                           ; the ordinary form: [EBX + AL]
    and eax, 0xFF
    print "xlat a32        "
    print_hex32 eax
    call newline

    mov eax, cr0
    and eax, ~(1 << 2)              ; EM clear
    mov cr0, eax
    mov eax, cr4
    or eax, 1 << 9                  ; OSFXSR
    mov cr4, eax
    mov dword [TABLE + 0x100], 0x11223344
    mov edi, 0xABCD0000 + TABLE + 0x100
    movq mm0, [mm_data]
    movq mm1, [mm_mask]
    a16 maskmovq mm0, mm1           ; bytes 0 and 2 of DS:[DI]
    emms
    print "maskmovq a16    "
    print_hex32 [TABLE + 0x100]
    call newline

    println "done"
    exit 0

section .data
table32: db 0, 1, 2, 3, 4, 5, 6, 0, 8
align 8
mm_data: dq 0x00000000aaee55cc
mm_mask: dq 0x0000000000800080
