; seg_based_implicit: instructions whose memory operand is implicit, through segments with
; a non-zero base: XLAT reads seg:[EBX + AL] (seg:[BX + AL] with a 16-bit address size),
; MASKMOVQ and MASKMOVDQU write the selected bytes of seg:[EDI]. FS has base 0x00200000,
; GS base 0xFFFFF000 (gs:0x201100 wraps to linear 0x00200100), ES base 0x00200000 with a
; byte-granular limit of 0xFFFF (checked, within the limit here); all are 32-bit.
; expect-exit: 1
; expect: xlat fs:         0000000f
; expect: xlat gs wrap:    0000001e
; expect: xlat a16 fs:     0000000f
; expect: xlat es limited: 00000015
; expect: maskmovq fs:     11ff33ff55ff77ff
; expect: maskmovdqu fs:   a1ffa3ffa5ffa7ffa9ffabffadffafff
; expect: edi=00000400 ebx=12340100
; expect: done

%include "guest.inc"
%include "idt.inc"

FS_SEL  equ 0x18
GS_SEL  equ 0x20
ES_SEL  equ 0x28
BASE    equ 0x00200000

section .data
align 8
seg_gdt:
    dq 0                            ; null
    dq 0x00CF9A000000FFFF           ; 0x08: flat code
    dq 0x00CF92000000FFFF           ; 0x10: flat data
    dq 0x00CF92200000FFFF           ; 0x18: data, base 0x00200000, limit 4 GiB
    dq 0xFFCF92FFF000FFFF           ; 0x20: data, base 0xFFFFF000, limit 4 GiB
    dq 0x004092200000FFFF           ; 0x28: data, base 0x00200000, limit 0xFFFF
seg_gdt_end:
seg_gdtr:
    dw seg_gdt_end - seg_gdt - 1
    dd seg_gdt

align 16
src:    db 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88
        db 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00
mask:   times 8 db 0x80, 0x00
src2:   db 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8
        db 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0

section .text

; show_bytes: ESI = address, ECX = count: prints the bytes as hex, then a newline.
show_bytes:
    push eax
    push ecx
    push esi
.next:
    mov al, [esi]
    call put_hex8
    inc esi
    dec ecx
    jnz .next
    call newline
    pop esi
    pop ecx
    pop eax
    ret

main:
    lgdt [seg_gdtr]
    jmp CODE_SEL:.reload
.reload:
    mov ax, DATA_SEL
    mov ds, ax
    mov ss, ax
    mov ax, FS_SEL
    mov fs, ax
    mov ax, GS_SEL
    mov gs, ax
    mov ax, ES_SEL
    mov es, ax

    ; The table at linear BASE + 0x100: entry i = 3 * i.
    xor ecx, ecx
.fill:
    lea eax, [ecx * 3]
    mov [BASE + 0x100 + ecx], al
    inc ecx
    cmp ecx, 256
    jb .fill

    mov ebx, 0x100
    xor eax, eax
    mov al, 5
    fs xlatb
    print "xlat fs:         "
    print_hex32 eax
    call newline

    mov ebx, 0x201100
    xor eax, eax
    mov al, 10
    gs xlatb
    print "xlat gs wrap:    "
    print_hex32 eax
    call newline

    mov ebx, 0x12340100             ; BX = 0x0100
    xor eax, eax
    mov al, 5
    a16 fs xlatb
    print "xlat a16 fs:     "
    print_hex32 eax
    call newline

    push ebx
    mov ebx, 0x100
    xor eax, eax
    mov al, 7
    es xlatb
    pop ebx
    print "xlat es limited: "
    print_hex32 eax
    call newline

    enable_sse

    mov dword [BASE + 0x300], 0xFFFFFFFF
    mov dword [BASE + 0x304], 0xFFFFFFFF
    mov edi, 0x300
    movq mm0, [src]
    movq mm1, [mask]
    fs maskmovq mm0, mm1
    emms
    print "maskmovq fs:     "
    mov esi, BASE + 0x300
    mov ecx, 8
    call show_bytes

    mov edi, 0x400
    mov eax, 0xFFFFFFFF
    mov [BASE + 0x400], eax
    mov [BASE + 0x404], eax
    mov [BASE + 0x408], eax
    mov [BASE + 0x40C], eax
    movdqu xmm0, [src2]
    movdqu xmm1, [mask]
    fs maskmovdqu xmm0, xmm1
    print "maskmovdqu fs:   "
    mov esi, BASE + 0x400
    mov ecx, 16
    call show_bytes

    print "edi="
    print_hex32 edi
    print " ebx="
    print_hex32 ebx
    call newline

    println "done"
    exit 0
