; pg_pse: 4 MiB pages (CR4.PSE = 1, PDE bit 7), 32-bit paging, next to the
; 4 KiB-page identity map of the low 4 MiB. Four 4 MiB pages:
;   PDE 0x002: linear 0x00800000 -> physical 0x00800000 (identity)
;   PDE 0x01c: linear 0x07000000 -> physical 0x07000000 (identity, at 112 MiB)
;   PDE 0x100: linear 0x40000000 -> physical 0x00800000 (alias of the first)
;   PDE 0x101: linear 0x40400000 -> physical 0x07000000 (alias of the second)
; Guest RAM is 128 MiB, so every frame is RAM.
;
; Why the values are right (SDM vol. 3, 4.3 and 4.5): with CR4.PSE = 1 a PDE
; with PS = 1 maps a 4 MiB page: physical address = PDE bits 31:22 followed
; by linear bits 21:0. So alias 0x40000000 + x and identity 0x00800000 + x
; are the same byte for any x < 4 MiB (a write through one reads back
; through the other, at the first and the last dword of the page and at the
; start of each of its 1024 4 KiB pieces), and code written through the
; identity map runs through the alias. The two alias pages are adjacent in
; linear memory but not in physical memory: a dword written at 0x403ffffe
; puts its low word at physical 0x00bffffe and its high word at 0x07000000.
; expect-exit: 1
; expect: alias write [40123450] -> identity [00923450]: 11223344
; expect: identity write [00bffffc] -> alias [403ffffc]: 55667788
; expect: alias write [40000000] -> identity [00800000]: 99aabbcc
; expect: dword at [403ffffe]: low word at 00bffffe ccdd, high word at 07000000 aabb, reads back aabbccdd
; expect: 1024 x 4 KiB through the alias, sum through the identity map: 523776
; expect: 1024 x 4 KiB through the identity map, sum through the alias: 524800
; expect: alias write [407ff000] -> identity [073ff000]: 0bad1dea
; expect: code written at 00900000, called at 40100000: eax=c0dec0de

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "paging.inc"

ALIAS   equ 0x40000000
ID      equ 0x00800000
ALIAS2  equ 0x40400000
ID2     equ 0x07000000

main:
    call install_traps
    mov eax, PG_P | PG_W
    call pg_map_low
    mov dword [pg_dir + 0x002 * 4], ID | PG_PS | PG_P | PG_W
    mov dword [pg_dir + 0x01C * 4], ID2 | PG_PS | PG_P | PG_W
    mov dword [pg_dir + 0x100 * 4], ID | PG_PS | PG_P | PG_W
    mov dword [pg_dir + 0x101 * 4], ID2 | PG_PS | PG_P | PG_W
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    call pg_enable

    mov dword [ALIAS + 0x123450], 0x11223344
    print "alias write [40123450] -> identity [00923450]: "
    print_hex32 [ID + 0x123450]
    call newline

    mov dword [ID + 0x3FFFFC], 0x55667788
    print "identity write [00bffffc] -> alias [403ffffc]: "
    print_hex32 [ALIAS + 0x3FFFFC]
    call newline

    mov dword [ALIAS], 0x99AABBCC
    print "alias write [40000000] -> identity [00800000]: "
    print_hex32 [ID]
    call newline

    mov dword [ALIAS + 0x3FFFFE], 0xAABBCCDD
    print "dword at [403ffffe]: low word at 00bffffe "
    print_hex16 [ID + 0x3FFFFE]
    print ", high word at 07000000 "
    print_hex16 [ID2]
    print ", reads back "
    print_hex32 [ALIAS + 0x3FFFFE]
    call newline

    xor eax, eax                        ; dword i at the start of 4 KiB piece i
    mov edi, ALIAS
.w1:
    mov [edi], eax
    add edi, 4096
    inc eax
    cmp eax, 1024
    jb .w1
    xor eax, eax
    mov esi, ID
    mov ecx, 1024
.r1:
    add eax, [esi]
    add esi, 4096
    loop .r1
    print "1024 x 4 KiB through the alias, sum through the identity map: "
    print_dec eax
    call newline

    mov eax, 1                          ; dword i+1, the other way round
    mov edi, ID2
.w2:
    mov [edi + 8], eax
    add edi, 4096
    inc eax
    cmp eax, 1025
    jb .w2
    xor eax, eax
    mov esi, ALIAS2
    mov ecx, 1024
.r2:
    add eax, [esi + 8]
    add esi, 4096
    loop .r2
    print "1024 x 4 KiB through the identity map, sum through the alias: "
    print_dec eax
    call newline

    mov dword [ALIAS2 + 0x3FF000], 0x0BAD1DEA
    print "alias write [407ff000] -> identity [073ff000]: "
    print_hex32 [ID2 + 0x3FF000]
    call newline

    mov byte [ID + 0x100000], 0xB8      ; mov eax, 0xc0dec0de / ret
    mov dword [ID + 0x100001], 0xC0DEC0DE
    mov byte [ID + 0x100005], 0xC3
    mov eax, ALIAS + 0x100000
    call eax
    print "code written at 00900000, called at 40100000: eax="
    print_hex32 eax
    call newline
    exit 0
