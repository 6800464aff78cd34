; pg_cr3_switch: two page directories, A and B, share the identity map of the
; low 4 MiB (the same page table) and map linear 0x00400000 to different
; frames: a (code "mov eax, 0xaaaa0001; ret" at offset 0, tag a0a0a0a0 at
; 0x800) and b (0xbbbb0002, b0b0b0b0). Linear 0x00800000 is present only in
; A. Linear 0x00c00000 is mapped identically in both, through one shared
; page table whose entry has G = 1.
;
; Why the values are right (SDM vol. 3, 4.10.4.1, 4.10.2.4): a MOV to CR3
; invalidates every non-global TLB entry and the paging-structure caches, so
; after each switch reads and instruction fetches at 0x00400000 come from the
; frame the current directory maps, 1000 times in a row, and a write goes to
; that frame; under B the access to 0x00800000 is a not-present #PF (error
; 0, CR2 = the address) even right after A used it. With CR4.PGE = 1, G-bit
; pages that both directories map alike read the same under both (whether
; the TLB kept them does not show: both translations are the same). INVLPG
; invalidates global entries too: after the shared PTE points to frame h and
; INVLPG runs, both directories see h. A MOV to CR4 that changes PGE
; invalidates every entry, global ones included: after the PTE goes back to
; frame g and PGE is cleared and set, both see g again. Only these
; architectural outcomes are checked, never whether a stale entry survived.
; expect-exit: 1
; expect: 1000 round trips: reads a=1000 b=1000, calls a=1000 b=1000
; expect: writes [00400804]: frame a 000000a1, frame b 000000b2
; expect: [00800000] under A: 58580000, under B: #0e err=00000000 eip=site+0 cr2=00800000, under A again: 58580000
; expect: cr4.pge=1: 1000 round trips: global a=1000 b=1000, reads a=1000 b=1000
; expect: global pte -> frame h, invlpg: A 48480000 B 48480000
; expect: global pte -> frame g, pge off and on: A 47470000 B 47470000

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "paging.inc"

LIN     equ 0x00400000
GLIN    equ 0x00C00000
ROUNDS  equ 1000

%macro set_cr3 1
    push eax
    mov eax, %1
    mov cr3, eax
    pop eax
%endmacro

; put_code frame, imm, tag
%macro put_code 3
    mov byte [%1], 0xB8
    mov dword [%1 + 1], %2
    mov byte [%1 + 5], 0xC3
    mov dword [%1 + 0x800], %3
%endmacro

main:
    call install_traps
    put_code frame_a, 0xAAAA0001, 0xA0A0A0A0
    put_code frame_b, 0xBBBB0002, 0xB0B0B0B0
    mov dword [frame_x], 0x58580000
    mov dword [frame_g], 0x47470000
    mov dword [frame_h], 0x48480000

    mov eax, PG_P | PG_W | PG_G
    call pg_map_low
    mov eax, [pg_dir]                   ; B: the same PDE 0
    mov [dir_b], eax
    mov eax, tab_a
    or eax, PG_P | PG_W
    mov [pg_dir + 1 * 4], eax
    mov eax, tab_b
    or eax, PG_P | PG_W
    mov [dir_b + 1 * 4], eax
    mov eax, tab_x
    or eax, PG_P | PG_W
    mov [pg_dir + 2 * 4], eax           ; only in A
    mov eax, tab_g
    or eax, PG_P | PG_W
    mov [pg_dir + 3 * 4], eax           ; shared
    mov [dir_b + 3 * 4], eax
    mov eax, frame_a
    or eax, PG_P | PG_W
    mov [tab_a], eax
    mov eax, frame_b
    or eax, PG_P | PG_W
    mov [tab_b], eax
    mov eax, frame_x
    or eax, PG_P | PG_W
    mov [tab_x], eax
    mov eax, frame_g
    or eax, PG_P | PG_W | PG_G
    mov [tab_g], eax
    call pg_enable

    ; 1. round trips, PGE off
    xor esi, esi                        ; reads under A
    xor edi, edi                        ; reads under B
    xor ebx, ebx                        ; calls under A
    xor ebp, ebp                        ; calls under B
    mov ecx, ROUNDS
.round:
    set_cr3 pg_dir
    cmp dword [LIN + 0x800], 0xA0A0A0A0
    jne .a_read_bad
    inc esi
.a_read_bad:
    mov eax, LIN
    call eax
    cmp eax, 0xAAAA0001
    jne .a_call_bad
    inc ebx
.a_call_bad:
    set_cr3 dir_b
    cmp dword [LIN + 0x800], 0xB0B0B0B0
    jne .b_read_bad
    inc edi
.b_read_bad:
    mov eax, LIN
    call eax
    cmp eax, 0xBBBB0002
    jne .b_call_bad
    inc ebp
.b_call_bad:
    loop .round
    set_cr3 pg_dir
    print "1000 round trips: reads a="
    print_dec esi
    print " b="
    print_dec edi
    print ", calls a="
    print_dec ebx
    print " b="
    print_dec ebp
    call newline

    ; 2. writes
    mov dword [LIN + 0x804], 0xA1
    set_cr3 dir_b
    mov dword [LIN + 0x804], 0xB2
    set_cr3 pg_dir
    print "writes [00400804]: frame a "
    print_hex32 [frame_a + 0x804]
    print ", frame b "
    print_hex32 [frame_b + 0x804]
    call newline

    ; 3. present only in A
    print "[00800000] under A: "
    print_hex32 [0x00800000]
    set_cr3 dir_b
    TRY .r3
.s3:
    mov eax, [0x00800000]
.r3:
    set_cr3 pg_dir
    print ", under B: "
    show_trap .s3
    print " cr2="
    mov eax, cr2
    call put_hex32
    print ", under A again: "
    print_hex32 [0x00800000]
    call newline

    ; 4. global pages
    mov eax, cr4
    or eax, CR4_PGE
    mov cr4, eax
    xor esi, esi
    xor edi, edi
    xor ebx, ebx
    xor ebp, ebp
    mov ecx, ROUNDS
.ground:
    set_cr3 pg_dir
    cmp dword [GLIN], 0x47470000
    jne .ga_bad
    inc esi
.ga_bad:
    cmp dword [LIN + 0x800], 0xA0A0A0A0
    jne .la_bad
    inc ebx
.la_bad:
    set_cr3 dir_b
    cmp dword [GLIN], 0x47470000
    jne .gb_bad
    inc edi
.gb_bad:
    cmp dword [LIN + 0x800], 0xB0B0B0B0
    jne .lb_bad
    inc ebp
.lb_bad:
    loop .ground
    set_cr3 pg_dir
    print "cr4.pge=1: 1000 round trips: global a="
    print_dec esi
    print " b="
    print_dec edi
    print ", reads a="
    print_dec ebx
    print " b="
    print_dec ebp
    call newline

    mov eax, frame_h
    or eax, PG_P | PG_W | PG_G
    mov [tab_g], eax
    invlpg [GLIN]
    print "global pte -> frame h, invlpg: A "
    call show_global_ab
    call newline

    mov eax, frame_g
    or eax, PG_P | PG_W | PG_G
    mov [tab_g], eax
    mov eax, cr4
    and eax, ~CR4_PGE
    mov cr4, eax
    or eax, CR4_PGE
    mov cr4, eax
    print "global pte -> frame g, pge off and on: A "
    call show_global_ab
    call newline
    exit 0

; show_global_ab: "[GLIN] under A, B [GLIN] under B"; leaves CR3 = A.
show_global_ab:
    push eax
    set_cr3 pg_dir
    mov eax, [GLIN]
    call put_hex32
    set_cr3 dir_b
    mov eax, [GLIN]
    set_cr3 pg_dir
    print " B "
    call put_hex32
    pop eax
    ret

section .bss
alignb 4096
dir_b:      resb 4096
tab_a:      resb 4096
tab_b:      resb 4096
tab_x:      resb 4096
tab_g:      resb 4096
frame_a:    resb 4096
frame_b:    resb 4096
frame_x:    resb 4096
frame_g:    resb 4096
frame_h:    resb 4096
