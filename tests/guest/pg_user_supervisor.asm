; pg_user_supervisor: the U/S and R/W bits against CPL 3 accesses, 32-bit
; paging. Ring 3 code (IRET to a DPL 3 code segment; TSS SS0:ESP0 loaded
; with LTR) reads or writes one test address, given in EBX; the #PF goes to
; the ring 0 handler, which records the frame it finds on the TSS stack. The
; low 4 MiB (the guest, its stacks and tables) is mapped user, read/write.
; Test pages:
;   00400010  supervisor page (PTE U/S=0), read/write
;   00401010  not present
;   00402010  user page, read-only (PTE R/W=0)
;   00403010  user page, read/write
;   00800010  PDE U/S=0, PTE U/S=1
;   00c00010  PDE R/W=0, PTE R/W=1 (both U/S=1)
;
; Why the values are right (SDM vol. 3, 4.6.1 and 4.7, 6.12.1): at CPL 3
; every access is a user-mode access; it may read a page only if U/S = 1 in
; both the PDE and the PTE, and write it only if also R/W = 1 in both (CR0.WP
; does not matter for user accesses). A violation is a #PF with error code
; P | W/R (write) | U/S (4): 5 for a read of a supervisor page, 7 for a
; write to it or to a read-only user page; a not-present page gives 4 (read)
; or 6 (write). CR2 is the address; the fault is delivered on the TSS stack:
; the saved EIP (the faulting MOV), CS = 001b, SS = 0023 and the ring 3 ESP
; (top-4: the ring 3 code pushed one dword) sit 20 bytes below ESP0, with
; the error code below them. An instruction fetch is a read: a jump at CPL 3
; into the supervisor page faults with error code 5 (no I/D bit without PAE
; and NXE or SMEP) and the target as saved EIP and CR2. At CPL 0 the
; supervisor page is readable.
; expect-exit: 1
; expect: user read  00403010 (user rw): exit eax=33330000
; expect: user write 00403010 (user rw): exit, reads 0000abcd
; expect: user read  00402010 (user ro): exit eax=22220000
; expect: user read  00400010 (supervisor): #0e err=00000005 eip=site+0 cr2=00400010 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: user write 00400010 (supervisor): #0e err=00000007 eip=site+0 cr2=00400010 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: user read  00401010 (not present): #0e err=00000004 eip=site+0 cr2=00401010 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: user write 00401010 (not present): #0e err=00000006 eip=site+0 cr2=00401010 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: user write 00402010 (user ro): #0e err=00000007 eip=site+0 cr2=00402010 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: user read  00800010 (pde sup, pte user): #0e err=00000005 eip=site+0 cr2=00800010 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: user jump to 00400000 (supervisor): #0e err=00000005 eip=site+0 cr2=00400000 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: user read  00c00010 (pde ro, pte rw): exit eax=55550000
; expect: user write 00c00010 (pde ro, pte rw): #0e err=00000007 eip=site+0 cr2=00c00010 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: ring 0 read 00400010 (supervisor): 11110000, 00402010 after the faulting write: 22220000

%include "guest.inc"
%include "idt.inc"
%include "rings.inc"
%include "paging.inc"

; user_read text, address / user_write text, address
%macro user_read 2
    mov ebx, %2
    RING3 r3_read, 0x00000202
    print %1
    r3_report r3_read.s
    call show_result
%endmacro

%macro user_write 2
    mov ebx, %2
    RING3 r3_write, 0x00000202
    print %1
    r3_report r3_write.s
    call show_result
%endmacro

main:
    call setup_rings
    mov eax, PG_P | PG_W | PG_U
    call pg_map_low
    mov eax, tab1
    or eax, PG_P | PG_W | PG_U
    mov [pg_dir + 1 * 4], eax
    mov eax, tab2
    or eax, PG_P | PG_W                 ; PDE 2: supervisor
    mov [pg_dir + 2 * 4], eax
    mov eax, tab3
    or eax, PG_P | PG_U                 ; PDE 3: read-only
    mov [pg_dir + 3 * 4], eax
    mov eax, frames
    or eax, PG_P | PG_W
    mov [tab1 + 0 * 4], eax             ; 00400000 supervisor rw
    mov dword [frames + 0x0010], 0x11110000
    mov dword [tab1 + 1 * 4], 0         ; 00401000 not present
    add eax, 4096
    or eax, PG_U
    and eax, ~PG_W
    mov [tab1 + 2 * 4], eax             ; 00402000 user ro
    mov dword [frames + 0x1010], 0x22220000
    add eax, 4096
    or eax, PG_W
    mov [tab1 + 3 * 4], eax             ; 00403000 user rw
    mov dword [frames + 0x2010], 0x33330000
    add eax, 4096
    mov [tab2 + 0], eax                 ; 00800000 user rw, under a supervisor PDE
    mov dword [frames + 0x3010], 0x44440000
    add eax, 4096
    mov [tab3 + 0], eax                 ; 00c00000 user rw, under a read-only PDE
    mov dword [frames + 0x4010], 0x55550000
    call pg_enable

    user_read  "user read  00403010 (user rw): ", 0x00403010
    user_write "user write 00403010 (user rw): ", 0x00403010
    print ", reads "
    print_hex32 [0x00403010]
    call newline
    user_read  "user read  00402010 (user ro): ", 0x00402010
    user_read  "user read  00400010 (supervisor): ", 0x00400010
    user_write "user write 00400010 (supervisor): ", 0x00400010
    user_read  "user read  00401010 (not present): ", 0x00401010
    user_write "user write 00401010 (not present): ", 0x00401010
    user_write "user write 00402010 (user ro): ", 0x00402010
    user_read  "user read  00800010 (pde sup, pte user): ", 0x00800010
    mov ebx, 0x00400000
    RING3 r3_jump, 0x00000202
    print "user jump to 00400000 (supervisor): "
    r3_report 0x00400000
    call show_result
    user_read  "user read  00c00010 (pde ro, pte rw): ", 0x00C00010
    user_write "user write 00c00010 (pde ro, pte rw): ", 0x00C00010
    print "ring 0 read 00400010 (supervisor): "
    print_hex32 [0x00400010]
    print ", 00402010 after the faulting write: "
    print_hex32 [0x00402010]
    call newline
    exit 0

; show_result: after a read: " eax=..." and a newline; after a write that
; exited: nothing (the caller prints more); after a #PF: CR2 and the frame.
show_result:
    cmp dword [r3_vec], R3_EXIT
    jne .fault
    cmp byte [r3_was_write], 0
    jne .done
    print " eax="
    print_hex32 [r3_eax]
    call newline
    ret
.fault:
    print " cr2="
    print_hex32 [r3_cr2]
    call r3_show_frame
    call newline
.done:
    ret

; ---- ring 3: EBX = address ----
r3_read:
    mov byte [r3_was_write], 0
    push ebp
.s: mov eax, [ebx]
    pop ebp
    int R3_EXIT

r3_write:
    mov byte [r3_was_write], 1
    push ebp
.s: mov dword [ebx], 0xABCD
    pop ebp
    int R3_EXIT

r3_jump:
    mov byte [r3_was_write], 0
    push ebp
    jmp ebx

section .bss
alignb 4096
tab1:       resb 4096
tab2:       resb 4096
tab3:       resb 4096
frames:     resb 5 * 4096
r3_was_write: resb 1
