; pg_wp: CR0.WP and the R/W bits of the PDE and the PTE for supervisor (CPL 0)
; writes, 32-bit paging. Six test pages, each written once with WP = 0 and
; once with WP = 1 (reads always allowed, so each line also reads the dword
; back through the same address):
;   00400010  PDE R/W=1, PTE R/W=1
;   00401010  PDE R/W=1, PTE R/W=0
;   00800010  PDE R/W=0, PTE R/W=1
;   00801010  PDE R/W=0, PTE R/W=0
;   00c00010  a user page (U/S=1 in PDE and PTE), PTE R/W=0
;   01000010  a 4 MiB page (CR4.PSE), PDE R/W=0
;
; Why the values are right (SDM vol. 3, 4.6.1): a page is writable only if
; R/W = 1 in every paging-structure entry that maps it (PDE and PTE are
; ANDed). With CR0.WP = 0 a supervisor-mode write may write any page, read-
; only or not, supervisor or user. With CR0.WP = 1 a supervisor-mode write
; to a page that is not writable is a #PF whatever the U/S bits: error code
; 3 (P = 1, a protection violation; W/R = 1; U/S = 0), CR2 = the address,
; saved EIP = the store, and the store does not happen (the dword keeps the
; value 2222000n written with WP = 0). CR3 is reloaded after each change of CR0.WP, so no
; result depends on what a TLB caches across that change.
; expect-exit: 1
; expect: wp=0 pde rw, pte rw [00400010]: no trap, reads 22220001
; expect: wp=0 pde rw, pte ro [00401010]: no trap, reads 22220002
; expect: wp=0 pde ro, pte rw [00800010]: no trap, reads 22220003
; expect: wp=0 pde ro, pte ro [00801010]: no trap, reads 22220004
; expect: wp=0 user page, pte ro [00c00010]: no trap, reads 22220005
; expect: wp=0 4 MiB page, pde ro [01000010]: no trap, reads 22220006
; expect: wp=1 pde rw, pte rw [00400010]: no trap, reads 33330001
; expect: wp=1 pde rw, pte ro [00401010]: #0e err=00000003 eip=site+0 cr2=00401010, reads 22220002
; expect: wp=1 pde ro, pte rw [00800010]: #0e err=00000003 eip=site+0 cr2=00800010, reads 22220003
; expect: wp=1 pde ro, pte ro [00801010]: #0e err=00000003 eip=site+0 cr2=00801010, reads 22220004
; expect: wp=1 user page, pte ro [00c00010]: #0e err=00000003 eip=site+0 cr2=00c00010, reads 22220005
; expect: wp=1 4 MiB page, pde ro [01000010]: #0e err=00000003 eip=site+0 cr2=01000010, reads 22220006
; expect: wp=0 again, pde ro, pte ro [00801010]: no trap, reads 44440004

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "paging.inc"

; try_write prefix, text, address, value
%macro try_write 4
    mov edi, %3
    TRY %%r
%%s: mov dword [edi], %4
%%r:
    print %1
    print %2
    show_trap %%s
    cmp dword [trap_vec], -1
    je %%nocr2
    print " cr2="
    mov eax, cr2
    call put_hex32
%%nocr2:
    print ", reads "
    print_hex32 [edi]
    call newline
%endmacro

; all_writes "wp=N", tag: the six writes, values tag0001..tag0006.
%macro all_writes 2
    try_write %1, " pde rw, pte rw [00400010]: ", 0x00400010, %2 | 1
    try_write %1, " pde rw, pte ro [00401010]: ", 0x00401010, %2 | 2
    try_write %1, " pde ro, pte rw [00800010]: ", 0x00800010, %2 | 3
    try_write %1, " pde ro, pte ro [00801010]: ", 0x00801010, %2 | 4
    try_write %1, " user page, pte ro [00c00010]: ", 0x00C00010, %2 | 5
    try_write %1, " 4 MiB page, pde ro [01000010]: ", 0x01000010, %2 | 6
%endmacro

main:
    call install_traps
    mov eax, PG_P | PG_W
    call pg_map_low
    mov eax, tab1
    or eax, PG_P | PG_W                 ; PDE 1: R/W = 1
    mov [pg_dir + 1 * 4], eax
    mov eax, tab2
    or eax, PG_P                        ; PDE 2: R/W = 0
    mov [pg_dir + 2 * 4], eax
    mov eax, tab3
    or eax, PG_P | PG_W | PG_U          ; PDE 3: user, R/W = 1
    mov [pg_dir + 3 * 4], eax
    mov dword [pg_dir + 4 * 4], 0x01000000 | PG_PS | PG_P   ; 4 MiB, R/W = 0
    mov eax, frames
    or eax, PG_P | PG_W
    mov [tab1 + 0], eax                 ; rw
    add eax, 4096
    and eax, ~PG_W
    mov [tab1 + 4], eax                 ; ro
    add eax, 4096
    or eax, PG_W
    mov [tab2 + 0], eax                 ; rw (PDE ro)
    add eax, 4096
    and eax, ~PG_W
    mov [tab2 + 4], eax                 ; ro (PDE ro)
    add eax, 4096
    or eax, PG_U
    mov [tab3 + 0], eax                 ; user, ro
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    call pg_enable                      ; CR0.WP is 0 (Multiboot entry)

    all_writes "wp=0", 0x22220000

    mov eax, cr0
    or eax, CR0_WP
    mov cr0, eax
    call pg_flush
    all_writes "wp=1", 0x33330000

    mov eax, cr0
    and eax, ~CR0_WP
    mov cr0, eax
    call pg_flush
    try_write "wp=0 again", ", pde ro, pte ro [00801010]: ", 0x00801010, 0x44440004
    exit 0

section .bss
alignb 4096
tab1:       resb 4096
tab2:       resb 4096
tab3:       resb 4096
frames:     resb 5 * 4096
