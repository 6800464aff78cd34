; pg_accessed_dirty: the Accessed and Dirty bits the CPU writes into the
; paging structures (32-bit paging). Test pages live at 0x00400000 + n*4 KiB
; (PDE 1 -> a page table, every entry P|W with A = D = 0) and at 0x00800000
; (PDE 2: a 4 MiB page, CR4.PSE = 1, identity). Each line prints the low 12
; bits of the entries, read back from memory.
;
; Why the values are right (SDM vol. 3, 4.8): whenever the CPU uses a
; paging-structure entry to translate an address it sets that entry's A bit,
; so a read sets A in the PDE and in the PTE (0x003 -> 0x023); whenever it
; writes through an address it sets D in the entry that maps the final page:
; the PTE, or the PDE of a 4 MiB page (0x0a3 -> 0x0e3). Bit 6 of a PDE that
; points at a page table is ignored and is never set. A read never sets D,
; however often it is done. An instruction fetch is an access too: it sets A
; in the code page's PTE but not D. A dword written across a page boundary
; writes both pages and sets D in both PTEs; a read across it sets only A.
; After software clears A and D and invalidates the translation (INVLPG also
; drops the paging-structure caches), the next read sets A again in PDE and
; PTE and leaves D clear.
; expect-exit: 1
; expect: before: pde1=003 pte0=003
; expect: read [00400000]: pde1=023 pte0=023
; expect: 1000 more reads: pte0=023
; expect: write [00400000]: pde1=023 pte0=063
; expect: write first [00401000]: pte1=063
; expect: cleared, invlpg, read [00400000]: pde1=023 pte0=023
; expect: fetch from 00402000: pte2=023 eax=00000042
; expect: write dword [00403ffe]: pte3=063 pte4=063
; expect: read dword [00405ffe]: pte5=023 pte6=023
; expect: 4 MiB page: before pde2=083, read [00801000]: 0a3, write: 0e3

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "paging.inc"

LIN     equ 0x00400000

%macro show_pte 2                       ; label, index in tab1
    print %1
    print_flags12 [tab1 + %2 * 4]
%endmacro

main:
    call install_traps
    mov eax, PG_P | PG_W
    call pg_map_low
    mov eax, tab1
    or eax, PG_P | PG_W
    mov [pg_dir + 1 * 4], eax
    mov edi, tab1                       ; tab1[i] -> frames[i], P|W
    mov eax, frames
    or eax, PG_P | PG_W
    mov ecx, NFRAMES
.fill:
    stosd
    add eax, 4096
    loop .fill
    mov eax, 0x00800000 | PG_PS | PG_P | PG_W
    mov [pg_dir + 2 * 4], eax
    mov byte [frames + 2 * 4096], 0xB8          ; frame 2: mov eax, 0x42 / ret
    mov dword [frames + 2 * 4096 + 1], 0x42
    mov byte [frames + 2 * 4096 + 5], 0xC3
    mov eax, cr4
    or eax, CR4_PSE
    mov cr4, eax
    call pg_enable

    print "before: pde1="
    print_flags12 [pg_dir + 4]
    show_pte " pte0=", 0
    call newline

    mov eax, [LIN]
    print "read [00400000]: pde1="
    print_flags12 [pg_dir + 4]
    show_pte " pte0=", 0
    call newline

    mov ecx, 1000
.reads:
    mov eax, [LIN + ecx * 4]
    loop .reads
    show_pte "1000 more reads: pte0=", 0
    call newline

    mov dword [LIN], 1
    print "write [00400000]: pde1="
    print_flags12 [pg_dir + 4]
    show_pte " pte0=", 0
    call newline

    mov dword [LIN + 0x1000], 1
    show_pte "write first [00401000]: pte1=", 1
    call newline

    and dword [tab1], ~(PG_A | PG_D)
    and dword [pg_dir + 4], ~PG_A
    invlpg [LIN]
    mov eax, [LIN]
    print "cleared, invlpg, read [00400000]: pde1="
    print_flags12 [pg_dir + 4]
    show_pte " pte0=", 0
    call newline

    mov eax, LIN + 0x2000
    call eax
    show_pte "fetch from 00402000: pte2=", 2
    print " eax="
    print_hex32 eax
    call newline

    mov dword [LIN + 0x3FFE], 0x12345678
    show_pte "write dword [00403ffe]: pte3=", 3
    show_pte " pte4=", 4
    call newline

    mov eax, [LIN + 0x5FFE]
    show_pte "read dword [00405ffe]: pte5=", 5
    show_pte " pte6=", 6
    call newline

    print "4 MiB page: before pde2="
    print_flags12 [pg_dir + 8]
    mov eax, [0x00801000]
    print ", read [00801000]: "
    print_flags12 [pg_dir + 8]
    mov dword [0x00801000], eax
    print ", write: "
    print_flags12 [pg_dir + 8]
    call newline
    exit 0

NFRAMES equ 8

section .bss
alignb 4096
tab1:       resb 4096
frames:     resb NFRAMES * 4096
