; pg_invlpg: after software changes a paging-structure entry and runs INVLPG
; on an address of that page, the CPU uses the new entry (32-bit paging).
; Frames a, b, c start with the tags aaaa0000, bbbb0000, cccc0000; PDE 1
; (linear 0x00400000) -> table 1, whose entry 0 first maps frame a; PDE 2
; (0x00800000) is a 4 MiB page (CR4.PSE) at physical 0x01000000, later
; 0x01400000, with the tags 4d000000 and 4d400000 at offset 0x1234.
;
; Why the values are right (SDM vol. 3, 4.10.4): a TLB may keep the old
; translation of a page until it is invalidated, so nothing here reads a page
; between the change and the INVLPG (what that read gives is up to the
; implementation). INVLPG drops the TLB entries for the page that holds its
; operand -- for a 4 MiB page, all of them, so INVLPG of another 4 KiB of the
; same large page is enough -- and every paging-structure-cache entry, so the
; next access walks the current PDE and PTE:
; - PTE to another frame: reads see frame b; a write lands in frame b and
;   leaves frame a alone.
; - not present -> present: first a #PF (error 0: not present, read, CPL 0;
;   CR2 = the address); after the entry is set (and INVLPG) the read works.
;   present -> not present: after INVLPG the read faults again.
; - read/write -> read-only with CR0.WP = 1: the write faults with error 3;
;   back to read/write, the write works.
; - PDE to another page table: the translation comes from the new table.
; expect-exit: 1
; expect: read [00400000]: aaaa0000
; expect: pte -> frame b, invlpg: bbbb0000
; expect: write [00400004] after remap: frame b 12345678, frame a 00000000
; expect: not present: #0e err=00000000 eip=site+0 cr2=00401000
; expect: made present, invlpg: aaaa0000
; expect: made not present, invlpg: #0e err=00000000 eip=site+0 cr2=00401000
; expect: made read-only, invlpg, write: #0e err=00000003 eip=site+0 cr2=00400004 reads 12345678
; expect: made writable, invlpg, write: no trap reads 0000beef
; expect: pde -> other table, invlpg: cccc0000
; expect: 4 MiB page [00801234]: 4d000000, pde -> 01400000, invlpg [00bff000]: 4d400000

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "paging.inc"

LIN     equ 0x00400000

; try text, instruction...
%macro try 2+
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
    cmp dword [trap_vec], -1
    je %%done
    print " cr2="
    push eax
    mov eax, cr2
    call put_hex32
    pop eax
%%done:
%endmacro

main:
    call install_traps
    mov dword [frame_a], 0xAAAA0000
    mov dword [frame_b], 0xBBBB0000
    mov dword [frame_c], 0xCCCC0000
    mov dword [0x01001234], 0x4D000000  ; paging is off: physical addresses
    mov dword [0x01401234], 0x4D400000
    mov eax, PG_P | PG_W
    call pg_map_low
    mov eax, tab1
    or eax, PG_P | PG_W
    mov [pg_dir + 1 * 4], eax
    mov eax, frame_a
    or eax, PG_P | PG_W
    mov [tab1], eax
    mov eax, frame_c
    or eax, PG_P | PG_W
    mov [tab1b], eax
    mov dword [pg_dir + 2 * 4], 0x01000000 | PG_PS | PG_P | PG_W
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    call pg_enable
    mov eax, cr0
    or eax, CR0_WP
    mov cr0, eax

    print "read [00400000]: "
    print_hex32 [LIN]
    call newline

    mov eax, frame_b
    or eax, PG_P | PG_W
    mov [tab1], eax
    invlpg [LIN]
    print "pte -> frame b, invlpg: "
    print_hex32 [LIN]
    call newline

    mov dword [LIN + 4], 0x12345678
    print "write [00400004] after remap: frame b "
    print_hex32 [frame_b + 4]
    print ", frame a "
    print_hex32 [frame_a + 4]
    call newline

    try "not present: ", mov eax, [LIN + 0x1000]
    call newline
    mov eax, frame_a
    or eax, PG_P | PG_W
    mov [tab1 + 4], eax
    invlpg [LIN + 0x1000]
    print "made present, invlpg: "
    print_hex32 [LIN + 0x1000]
    call newline

    mov dword [tab1 + 4], 0
    invlpg [LIN + 0x1000]
    try "made not present, invlpg: ", mov eax, [LIN + 0x1000]
    call newline

    and dword [tab1], ~PG_W
    invlpg [LIN]
    try "made read-only, invlpg, write: ", mov dword [LIN + 4], 0xBEEF
    print " reads "
    print_hex32 [LIN + 4]
    call newline
    or dword [tab1], PG_W
    invlpg [LIN]
    try "made writable, invlpg, write: ", mov dword [LIN + 4], 0xBEEF
    print " reads "
    print_hex32 [LIN + 4]
    call newline

    mov eax, tab1b
    or eax, PG_P | PG_W
    mov [pg_dir + 1 * 4], eax
    invlpg [LIN]
    print "pde -> other table, invlpg: "
    print_hex32 [LIN]
    call newline

    print "4 MiB page [00801234]: "
    print_hex32 [0x00801234]
    mov dword [pg_dir + 2 * 4], 0x01400000 | PG_PS | PG_P | PG_W
    invlpg [0x00BFF000]
    print ", pde -> 01400000, invlpg [00bff000]: "
    print_hex32 [0x00801234]
    call newline
    exit 0

section .bss
alignb 4096
tab1:       resb 4096
tab1b:      resb 4096
frame_a:    resb 4096
frame_b:    resb 4096
frame_c:    resb 4096
