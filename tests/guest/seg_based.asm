; seg_based: data segments with a non-zero base. FS has base 0x00200000 and GS base
; 0xFFFFF000 (so gs:0x201000 wraps to linear 0x00200000); both have 4 GiB limits. Every
; access through them must land at base + offset: plain loads and stores, read-modify-
; write, scaled-index addressing, PUSH/POP with memory operands, a high-byte register
; load (AH cannot share an instruction with REX), 16-bit addressing, and LEA (which never
; adds a base). (A load through a null ES raises #GP(0) on hardware but not under QEMU's
; TCG, so that rule is checked by tests/unit/translator/mode_exception_test.cpp instead.)
; expect-exit: 1
; expect: fs load        11223344
; expect: fs store       55667788
; expect: gs wrap load   11223344
; expect: fs sib store   cafebabe
; expect: fs add         11223345
; expect: push/pop       11223345
; expect: ah from fs     00004500
; expect: lea fs         00000010
; expect: fs [bx]        11223345
; expect: done

%include "guest.inc"
%include "idt.inc"

FS_SEL  equ 0x18
GS_SEL  equ 0x20
BASE    equ 0x00200000

section .data
align 8
seg_gdt:
    dq 0                            ; null
    dq 0x00CF9A000000FFFF           ; 0x08: flat code
    dq 0x00CF92000000FFFF           ; 0x10: flat data
    dq 0x00CF92200000FFFF           ; 0x18: data, base 0x00200000, limit 4 GiB
    dq 0xFFCF92FFF000FFFF           ; 0x20: data, base 0xFFFFF000, limit 4 GiB
seg_gdt_end:
seg_gdtr:
    dw seg_gdt_end - seg_gdt - 1
    dd seg_gdt

section .text
main:
    lgdt [seg_gdtr]
    jmp CODE_SEL:.reload
.reload:
    mov ax, DATA_SEL
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov ax, FS_SEL
    mov fs, ax
    mov ax, GS_SEL
    mov gs, ax

    mov dword [BASE + 0x10], 0x11223344
    mov eax, [fs:0x10]
    print "fs load        "
    print_hex32 eax
    call newline

    mov dword [fs:0x20], 0x55667788
    print "fs store       "
    print_hex32 [BASE + 0x20]
    call newline

    mov eax, [gs:0x201010]
    print "gs wrap load   "
    print_hex32 eax
    call newline

    mov ebx, 0x200
    mov esi, 3
    mov dword [fs:ebx + esi * 4 + 8], 0xcafebabe
    print "fs sib store   "
    print_hex32 [BASE + 0x214]
    call newline

    add dword [fs:0x10], 1
    print "fs add         "
    print_hex32 [BASE + 0x10]
    call newline

    push dword [fs:0x10]
    pop dword [gs:0x201030]
    print "push/pop       "
    print_hex32 [BASE + 0x30]
    call newline

    xor eax, eax
    mov ah, [fs:0x10]
    print "ah from fs     "
    print_hex32 eax
    call newline

    lea eax, [fs:0x10]
    print "lea fs         "
    print_hex32 eax
    call newline

    xor eax, eax
    mov ebx, 0x10
    mov eax, [fs:bx]
    print "fs [bx]        "
    print_hex32 eax
    call newline

    println "done"
    exit 0

