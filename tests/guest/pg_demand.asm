; pg_demand: demand paging with 32-bit paging (CR4.PAE = 0). Linear 0-4 MiB
; is identity-mapped (the guest itself); PDE 1 (0x00400000-0x007fffff) points
; at an empty page table and PDEs 2 and up are not present. The #PF handler
; reads CR2 and the error code, gives the page a fresh frame (and the PDE a
; fresh page table if it is not present), writes the entries, and IRETs to
; retry the faulting instruction. Each new frame starts with the code
; "mov eax, 0xC0DE0000 | (linear >> 12); ret" and is zero after it.
;
; Why the values are right (SDM vol. 3, 4.7 and 6.15): #PF is a fault, so the
; saved EIP is the faulting instruction's and retrying it after fixing the
; entry completes it. CR2 is the linear address accessed. The error code of a
; not-present fault has P = 0, W/R = 1 only for writes, U/S = 0 at CPL 0, and
; no I/D bit (reported only with PAE + NXE or SMEP). An instruction fetch
; from a not-present page faults with the target as saved EIP (the CALL that
; went there has completed). A not-present PDE gives the same kind of fault
; as a not-present PTE. Not-present entries are never cached in the TLB, so
; no INVLPG is needed after making them present. A REP MOVSD interrupted by
; a fault leaves ECX, ESI, EDI at the faulting iteration and EIP at the
; instruction, so the copy resumes where it stopped: 8 dwords to 0x00404ff0
; fault first at 0x00404ff0 (ECX 8) and then at 0x00405000 (ECX 4). Mapped
; pages do not fault again.
; expect-exit: 1
; expect: read [00400001]: eax=c0de0400 faults=1 cr2=00400001 err=00000000 eip=site+0
; expect: write [00401abc]: faults=1 cr2=00401abc err=00000002 eip=site+0 read back 5a5a1234, in frame 5a5a1234
; expect: fetch 00402000: eax=c0de0402 faults=1 cr2=00402000 err=00000000 eip=00402000
; expect: read [00800001] (PDE not present): eax=c0de0800 faults=1 cr2=00800001 err=00000000 eip=site+0 tables=1
; expect: write [00c00ffc] (PDE not present): faults=1 cr2=00c00ffc err=00000002 eip=site+0 tables=2 read back 600df00d
; expect: rep movsd 8 dwords to 00404ff0: faults=2 cr2=00404ff0 err=00000002 eip=site+0 ecx=8 edi=00404ff0 cr2=00405000 err=00000002 eip=site+0 ecx=4 edi=00405000
; expect: after: ecx=0 [00404ff0]=11111111 [00404ffc]=44444444 [00405000]=55555555 [0040500c]=88888888
; expect: again, all pages mapped: faults=0 eax=c0de0400 c0de0402 c0de0800
; expect: total faults: 7

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "paging.inc"

PF_MAX      equ 16
POOL_PAGES  equ 12

; begin_measure / end_measure site: count and print the #PFs between them.
%macro begin_measure 0
    push eax
    mov eax, [pf_count]
    mov [pf_mark], eax
    pop eax
%endmacro

%macro end_measure 1
    push eax
    mov eax, %1
    call show_new_faults
    pop eax
%endmacro

main:
    call install_traps
    gate PF_VEC, pf_handler, GATE_INTR
    mov eax, PG_P | PG_W
    call pg_map_low
    mov eax, tab1
    or eax, PG_P | PG_W
    mov [pg_dir + 1 * 4], eax           ; PDE 1 -> tab1, every PTE 0
    call pg_enable

    ; 1. read miss
    begin_measure
.s1:
    mov eax, [0x00400001]
    print "read [00400001]: eax="
    print_hex32 eax
    end_measure .s1
    call newline

    ; 2. write miss
    begin_measure
.s2:
    mov dword [0x00401ABC], 0x5A5A1234
    print "write [00401abc]:"
    end_measure .s2
    print " read back "
    print_hex32 [0x00401ABC]
    mov eax, 0x00401000
    call pg_pte_addr
    mov eax, [eax]
    and eax, ~0xFFF
    print ", in frame "
    print_hex32 [eax + 0xABC]
    call newline

    ; 3. instruction fetch miss
    begin_measure
    mov eax, 0x00402000
    call eax
    print "fetch 00402000: eax="
    print_hex32 eax
    mov byte [absolute_eip], 1
    end_measure 0
    mov byte [absolute_eip], 0
    call newline

    ; 4. read with the PDE not present
    begin_measure
.s4:
    mov eax, [0x00800001]
    print "read [00800001] (PDE not present): eax="
    print_hex32 eax
    end_measure .s4
    print " tables="
    print_dec [pf_tables]
    call newline

    ; 5. write with the PDE not present
    begin_measure
.s5:
    mov dword [0x00C00FFC], 0x600DF00D
    print "write [00c00ffc] (PDE not present):"
    end_measure .s5
    print " tables="
    print_dec [pf_tables]
    print " read back "
    print_hex32 [0x00C00FFC]
    call newline

    ; 6. REP MOVSD across two missing pages
    mov byte [show_regs], 1
    begin_measure
    mov esi, src8
    mov edi, 0x00404FF0
    mov ecx, 8
.s6:
    rep movsd
    print "rep movsd 8 dwords to 00404ff0:"
    end_measure .s6
    mov byte [show_regs], 0
    call newline
    print "after: ecx="
    print_dec ecx
    print " [00404ff0]="
    print_hex32 [0x00404FF0]
    print " [00404ffc]="
    print_hex32 [0x00404FFC]
    print " [00405000]="
    print_hex32 [0x00405000]
    print " [0040500c]="
    print_hex32 [0x0040500C]
    call newline

    ; 7. everything again: no new fault
    begin_measure
    mov ebx, [0x00400001]
    mov dword [0x00401ABC], 0
    mov eax, 0x00402000
    call eax
    mov ecx, eax
    mov edx, [0x00800001]
    mov dword [0x00C00FFC], 0
    print "again, all pages mapped:"
    end_measure 0
    print " eax="
    print_hex32s ebx, ecx, edx
    call newline

    print "total faults: "
    print_dec [pf_count]
    call newline
    exit 0

; show_new_faults: EAX = site (or 0 with absolute_eip). Prints " faults=N"
; and, for each #PF logged since pf_mark, " cr2=... err=... eip=...".
show_new_faults:
    pushad
    mov ebx, eax
    mov esi, [pf_mark]
    mov eax, [pf_count]
    sub eax, esi
    print " faults="
    call put_dec
.next:
    cmp esi, [pf_count]
    jae .done
    print " cr2="
    print_hex32 [pf_cr2 + esi * 4]
    print " err="
    print_hex32 [pf_err + esi * 4]
    print " eip="
    mov eax, [pf_eip + esi * 4]
    cmp byte [absolute_eip], 0
    je .relative
    call put_hex32
    jmp .regs
.relative:
    print "site+"
    sub eax, ebx
    call put_dec
.regs:
    cmp byte [show_regs], 0
    je .step
    print " ecx="
    print_dec [pf_ecx + esi * 4]
    print " edi="
    print_hex32 [pf_edi + esi * 4]
.step:
    inc esi
    jmp .next
.done:
    popad
    ret

; alloc_frame: EDI = a zeroed frame from the pool (identity-mapped).
alloc_frame:
    push eax
    push ecx
    mov edi, [pool_used]
    cmp edi, POOL_PAGES
    jae .empty
    inc dword [pool_used]
    shl edi, 12
    add edi, pool
    push edi
    xor eax, eax
    mov ecx, 1024
    rep stosd
    pop edi
    pop ecx
    pop eax
    ret
.empty:
    println "pool empty"
    exit 0x7D

; #PF: [esp] = error code, then EIP, CS, EFLAGS.
pf_handler:
    pushad
    cld
    mov ebp, esp
    mov eax, cr2
    mov ebx, [ebp + 32]                 ; error code
    mov ecx, [pf_count]
    cmp ecx, PF_MAX
    jae .stop
    mov [pf_cr2 + ecx * 4], eax
    mov [pf_err + ecx * 4], ebx
    mov edx, [ebp + 36]                 ; saved EIP
    mov [pf_eip + ecx * 4], edx
    mov edx, [ebp + 24]                 ; interrupted ECX (PUSHAD image)
    mov [pf_ecx + ecx * 4], edx
    mov edx, [ebp + 0]                  ; interrupted EDI
    mov [pf_edi + ecx * 4], edx
    inc dword [pf_count]
    test ebx, PG_P
    jnz .stop                           ; a protection fault: not expected here
    mov esi, eax
    shr esi, 22
    lea esi, [pg_dir + esi * 4]
    test dword [esi], PG_P
    jnz .have_table
    call alloc_frame
    lea edx, [edi + PG_P + PG_W]
    mov [esi], edx
    inc dword [pf_tables]
.have_table:
    mov esi, [esi]
    and esi, ~0xFFF
    mov edx, eax
    shr edx, 12
    and edx, 0x3FF
    lea esi, [esi + edx * 4]            ; the PTE
    call alloc_frame
    mov byte [edi], 0xB8                ; mov eax, imm32
    mov edx, eax
    shr edx, 12
    and edx, 0xFFFF
    or edx, 0xC0DE0000
    mov [edi + 1], edx
    mov byte [edi + 5], 0xC3            ; ret
    lea edx, [edi + PG_P + PG_W]
    mov [esi], edx
    popad
    add esp, 4
    iret
.stop:
    print "UNEXPECTED #PF cr2="
    print_hex32 eax
    print " err="
    print_hex32 ebx
    print " eip="
    print_hex32 [ebp + 36]
    call newline
    exit 0x7E

section .rodata
align 4
src8:   dd 0x11111111, 0x22222222, 0x33333333, 0x44444444
        dd 0x55555555, 0x66666666, 0x77777777, 0x88888888

section .bss
alignb 4096
tab1:       resb 4096
pool:       resb POOL_PAGES * 4096
alignb 4
pool_used:  resd 1
pf_count:   resd 1
pf_mark:    resd 1
pf_tables:  resd 1
pf_cr2:     resd PF_MAX
pf_err:     resd PF_MAX
pf_eip:     resd PF_MAX
pf_ecx:     resd PF_MAX
pf_edi:     resd PF_MAX
show_regs:      resb 1
absolute_eip:   resb 1
