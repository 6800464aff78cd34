; nanobench guest, assembly half: descriptor tables, the exception and
; system-call handlers, ring-3 entry and exit, paging, and the timed loops.
; The C half (nanobench.c) calibrates, repeats, takes medians and prints.
;
; Every timed loop is a cdecl function `uint64_t nb_loop_X(uint32_t n)` that
; returns the TSC ticks taken by n iterations of its body (n >= 1), bracketed
; by CPUID (serializing) + RDTSC on both sides. nb_loop_empty is the same
; bracket around an empty loop; the C side subtracts it. Registers: EBP counts
; iterations, ESI:EDI hold the start TSC, EAX EBX ECX EDX are free for bodies.

bits 32

KCODE       equ 0x08                ; ring 0 code
KDATA       equ 0x10                ; ring 0 data (SYSENTER_CS + 8)
UCODE       equ 0x18 | 3            ; ring 3 code (SYSENTER_CS + 16)
UDATA       equ 0x20 | 3            ; ring 3 data (SYSENTER_CS + 24)
TSS_SEL     equ 0x28

COM1_SCR    equ 0x3FF               ; 16550 scratch register: emulated, side-effect free

; Virtual addresses of the pages the paging rows use (PDE 4, outside the
; identity-mapped 0-16 MiB).
NB_PF_PAGE  equ 0x01000000          ; not present until the #PF handler maps it
NB_PTEW_PAGE equ 0x01001000         ; its PTE is rewritten; the page is never touched
PTE_P       equ 1
PTE_RW      equ 2
PTE_US      equ 4

section .note.GNU-stack noalloc noexec nowrite progbits

; ---------------------------------------------------------------------------
; Data: GDT, TSS, IDT, page tables, stacks.

section .data progbits alloc noexec write align=8
nb_gdt:
    dq 0                            ; 0x00
    dq 0x00CF9A000000FFFF           ; 0x08 code DPL0, flat, 32-bit
    dq 0x00CF92000000FFFF           ; 0x10 data DPL0, flat
    dq 0x00CFFA000000FFFF           ; 0x18 code DPL3, flat, 32-bit
    dq 0x00CFF2000000FFFF           ; 0x20 data DPL3, flat
    dq 0x0000890000000067           ; 0x28 32-bit TSS, available (base patched)
nb_gdt_end:
nb_gdtr:
    dw nb_gdt_end - nb_gdt - 1
    dd nb_gdt
nb_idtr:
    dw 256 * 8 - 1
    dd nb_idt

section .bss nobits alloc noexec write align=16
nb_tss:         resb 0x68
alignb 8
nb_idt:         resq 256
nb_saved_kesp:  resd 1              ; kernel ESP while ring 3 runs
nb_user_fn:     resd 1
nb_user_arg:    resd 1
nb_user_ret:    resd 2              ; EDX:EAX the ring-3 function returned
global nb_de_armed
nb_de_armed:    resd 1              ; #DE is expected (the divzero loop runs)
global nb_pf_armed
nb_pf_armed:    resd 1              ; #PF at NB_PF_PAGE is expected
global nb_de_count, nb_pf_count
nb_de_count:    resd 1              ; #DE and #PF the handlers took, so that the C side can
nb_pf_count:    resd 1              ; check there was exactly one per iteration
alignb 16
nb_kstack:      resb 16384          ; ring-0 stack for interrupts from ring 3 (TSS.ESP0)
nb_kstack_top:
nb_sestack:     resb 4096           ; SYSENTER_ESP (the handler never touches it)
nb_sestack_top:
nb_ustack:      resb 16384          ; ring-3 stack
nb_ustack_top:

section .bss.nb_paging nobits alloc noexec write align=4096
global nb_pd, nb_pt, nb_frames
nb_pd:          resd 1024           ; page directory
nb_pt:          resd 5 * 1024       ; PTs 0-3 identity-map 0-16 MiB; PT 4 holds the test pages
nb_frames:      resb 3 * 4096       ; frame 0 backs NB_PF_PAGE; 1 and 2 alternate in the PTE row
nb_touch:       resb 8 * 4096       ; the pages the cr3_touch8 row reads after each CR3 write

NB_PT_TEST      equ nb_pt + 4 * 4096
NB_PF_PTE       equ NB_PT_TEST + ((NB_PF_PAGE >> 12) & 1023) * 4
NB_PTEW_PTE     equ NB_PT_TEST + ((NB_PTEW_PAGE >> 12) & 1023) * 4

section .text

; ---------------------------------------------------------------------------
; Setup.

; void nb_setup_basic(void): load the GDT and IDT, reload the segments, mask
; both 8259s (so that STI in the cli/sti row lets nothing in).
global nb_setup_basic
nb_setup_basic:
    push ebx
    push esi
    lgdt [nb_gdtr]
    jmp KCODE:.reload
.reload:
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    ; Every vector first goes to a stub that reports it as unexpected.
    xor ebx, ebx
.gates:
    mov eax, ebx
    mov edx, [nb_stub_table + ebx * 4]
    mov cl, 0x8E                    ; interrupt gate, DPL 0
    call nb_set_gate
    inc ebx
    cmp ebx, 256
    jb .gates
    mov eax, 0                      ; #DE
    mov edx, nb_de_handler
    mov cl, 0x8E
    call nb_set_gate
    mov eax, 14                     ; #PF
    mov edx, nb_pf_handler
    mov cl, 0x8E
    call nb_set_gate
    mov eax, 0x80                   ; the system call: DPL 3
    mov edx, nb_int80_handler
    mov cl, 0xEE
    call nb_set_gate
    mov eax, 0x81                   ; back from ring 3 to the C code: DPL 3
    mov edx, nb_int81_handler
    mov cl, 0xEE
    call nb_set_gate
    lidt [nb_idtr]
    mov al, 0xFF                    ; mask every IRQ line of both PICs
    out 0xA1, al
    out 0x21, al
    pop esi
    pop ebx
    ret

; nb_set_gate: EAX = vector, EDX = handler, CL = type byte.
nb_set_gate:
    lea eax, [nb_idt + eax * 8]
    mov [eax], dx
    mov word [eax + 2], KCODE
    mov byte [eax + 4], 0
    mov [eax + 5], cl
    shr edx, 16
    mov [eax + 6], dx
    ret

; void nb_setup_ring3(int have_sep): TSS (SS0:ESP0), LTR, SYSENTER MSRs.
global nb_setup_ring3
nb_setup_ring3:
    mov dword [nb_tss + 4], nb_kstack_top   ; ESP0
    mov dword [nb_tss + 8], KDATA           ; SS0
    mov word [nb_tss + 0x66], 0x68          ; I/O map base past the limit: no bitmap
    mov eax, nb_tss                         ; patch the TSS descriptor's base
    mov [nb_gdt + TSS_SEL + 2], ax
    shr eax, 16
    mov [nb_gdt + TSS_SEL + 4], al
    mov [nb_gdt + TSS_SEL + 7], ah
    mov ax, TSS_SEL
    ltr ax
    cmp dword [esp + 4], 0
    je .no_sep
    mov ecx, 0x174                          ; IA32_SYSENTER_CS
    mov eax, KCODE
    xor edx, edx
    wrmsr
    mov ecx, 0x175                          ; IA32_SYSENTER_ESP
    mov eax, nb_sestack_top
    wrmsr
    mov ecx, 0x176                          ; IA32_SYSENTER_EIP
    mov eax, nb_sysenter_handler
    wrmsr
.no_sep:
    ret

; void nb_enable_paging(void): CR3 = nb_pd, CR0.PG = 1 (the C side filled the tables).
global nb_enable_paging
nb_enable_paging:
    mov eax, nb_pd
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .flush
.flush:
    ret

; uint32_t nb_cpuid_edx(uint32_t leaf)
global nb_cpuid_edx
nb_cpuid_edx:
    push ebx
    mov eax, [esp + 8]
    xor ecx, ecx
    cpuid
    mov eax, edx
    pop ebx
    ret

; ---------------------------------------------------------------------------
; Ring 3.
;
; uint64_t nb_run_user(uint64_t (*fn)(uint32_t), uint32_t arg): run fn(arg) at
; CPL 3 (IRET to a DPL-3 flat code segment, IF = 0, IOPL = 0) and return its
; result; the ring-3 side comes back with INT 0x81.
global nb_run_user
nb_run_user:
    push ebp
    push ebx
    push esi
    push edi
    mov eax, [esp + 20]
    mov [nb_user_fn], eax
    mov eax, [esp + 24]
    mov [nb_user_arg], eax
    mov [nb_saved_kesp], esp
    mov ax, UDATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    push dword UDATA                ; SS
    push dword nb_ustack_top        ; ESP
    push dword 0x00000002           ; EFLAGS: IF = 0, IOPL = 0
    push dword UCODE                ; CS
    push dword nb_user_entry        ; EIP
    iret

nb_user_entry:                      ; CPL 3
    push dword [nb_user_arg]
    call [nb_user_fn]
    add esp, 4
    mov [nb_user_ret], eax
    mov [nb_user_ret + 4], edx
    int 0x81
.stuck:                             ; not reached
    jmp .stuck

nb_int81_handler:                   ; CPL 0, on the TSS stack: drop the frame
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov esp, [nb_saved_kesp]
    mov eax, [nb_user_ret]
    mov edx, [nb_user_ret + 4]
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

; ---------------------------------------------------------------------------
; Handlers of the measured events.

nb_int80_handler:                   ; the system call: return at once
    iret

nb_sysenter_handler:                ; SYSEXIT: EIP = EDX, ESP = ECX, CPL 3
    sysexit

; #DE: the divzero loop's `div ecx` (F7 F1) is skipped; anything else is unexpected.
nb_de_handler:
    cmp dword [ss:nb_de_armed], 0
    je .unexpected
    inc dword [ss:nb_de_count]
    add dword [esp], 2
    iret
.unexpected:
    push dword 0                    ; error code slot, then vector: as the stubs do
    push dword 0
    jmp nb_unexpected_common

; #PF: the page-fault loop's access to NB_PF_PAGE maps the page (sets P in its
; PTE) and returns to re-execute the access; anything else is unexpected.
nb_pf_handler:
    push eax
    mov eax, cr2
    cmp eax, NB_PF_PAGE
    jne .unexpected
    cmp dword [ss:nb_pf_armed], 0
    je .unexpected
    or dword [ss:NB_PF_PTE], PTE_P
    inc dword [ss:nb_pf_count]
    pop eax
    add esp, 4                      ; error code
    iret
.unexpected:
    pop eax
    push dword 14                   ; the CPU pushed the error code already
    jmp nb_unexpected_common

; Stubs for every vector: push an error-code slot (unless the CPU pushed one)
; and the vector, then report.
%assign v 0
%rep 256
nb_stub_ %+ v:
%if v == 8 || (v >= 10 && v <= 14) || v == 17
%else
    push dword 0
%endif
    push dword v
    jmp nb_unexpected_common
%assign v v + 1
%endrep

; Frame: [esp] vector, [esp+4] error code, [esp+8] EIP, [esp+12] CS, [esp+16] EFLAGS.
extern nb_unexpected                ; void nb_unexpected(vec, err, eip, cs, eflags, cr2): noreturn
nb_unexpected_common:
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    mov eax, cr2
    push eax                        ; each push moves the next field to [esp + 20]
    push dword [esp + 20]           ; EFLAGS
    push dword [esp + 20]           ; CS
    push dword [esp + 20]           ; EIP
    push dword [esp + 20]           ; error code
    push dword [esp + 20]           ; vector
    call nb_unexpected
.stuck:
    cli
    hlt
    jmp .stuck

section .rodata
align 4
nb_stub_table:
%assign v 0
%rep 256
    dd nb_stub_ %+ v
%assign v v + 1
%endrep

section .text

; ---------------------------------------------------------------------------
; Timed loops.

%macro TSTAMP 0                     ; EDX:EAX = TSC, after everything before it retired
    xor eax, eax
    cpuid
    rdtsc
%endmacro

; LOOP name: function prologue, start stamp, and the loop label .top (aligned).
%macro LOOP 1
global nb_loop_%1
align 16
nb_loop_%1:
    push ebp
    push ebx
    push esi
    push edi
    mov ebp, [esp + 20]             ; n
    TSTAMP
    mov esi, eax
    mov edi, edx
%endmacro

%macro TOP 0
align 16
.top:
%endmacro

; ENDLOOP: close the loop, stamp, return the difference.
%macro ENDLOOP 0
    dec ebp
    jnz .top
    TSTAMP
    sub eax, esi
    sbb edx, edi
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
%endmacro

LOOP empty
TOP
ENDLOOP

; in / out: the COM1 scratch register, one access per iteration.
LOOP in
    mov edx, COM1_SCR
TOP
    in al, dx
ENDLOOP

LOOP out
    mov edx, COM1_SCR
    mov eax, 0x5A
TOP
    out dx, al
ENDLOOP

; call/ret: 8 per iteration.
LOOP call_ret
TOP
%rep 8
    call nb_ret_only
%endrep
ENDLOOP

align 16
nb_ret_only:
    ret

; indirect jmp: 8 per iteration, each to the next instruction through a register.
LOOP jmp_indirect
TOP
%assign j 0
%rep 8
    mov eax, .j %+ j
    jmp eax
align 4
.j %+ j:
%assign j j + 1
%endrep
ENDLOOP

; divide by zero: #DE, the guest's handler skips the DIV and IRETs.
LOOP divzero
    mov dword [nb_de_armed], 1
    xor ecx, ecx
TOP
    div ecx
ENDLOOP

; cli/sti: 8 pairs per iteration; IF is 0 again on return.
LOOP cli_sti
TOP
%rep 8
    cli
    sti
%endrep
    dec ebp
    jnz .top
    cli
    TSTAMP
    sub eax, esi
    sbb edx, edi
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

; pushf/popf: 8 pairs per iteration.
LOOP pushf_popf
TOP
%rep 8
    pushfd
    popfd
%endrep
ENDLOOP

; CR3 write of the same value (paging on: flushes the non-global TLB entries).
LOOP cr3_write
    mov eax, cr3
TOP
    mov cr3, eax
ENDLOOP

; CR3 write, then one read from each of 8 pages: what returning to an address space costs
; when the pages it touches must be found again (hardware walks its page tables; a shadow
; MMU without cached windows refills each page). Minus cr3_write: the refill of 8 pages.
LOOP cr3_touch8
    mov eax, cr3
TOP
    mov cr3, eax
%assign pg 0
%rep 8
    mov ebx, [nb_touch + pg * 4096]
%assign pg pg + 1
%endrep
ENDLOOP

; PTE write: 8 stores per iteration to the live PTE of NB_PTEW_PAGE,
; alternating between two present frames. The page is never accessed, so no
; TLB entry can be stale and no INVLPG is needed.
LOOP pte_write
    mov eax, nb_frames + 4096
    or eax, PTE_P | PTE_RW | PTE_US
    mov ebx, nb_frames + 8192
    or ebx, PTE_P | PTE_RW | PTE_US
TOP
%rep 4
    mov [NB_PTEW_PTE], eax
    mov [NB_PTEW_PTE], ebx
%endrep
ENDLOOP

; Page fault: read a not-present page; the guest's #PF handler sets P in the
; PTE and IRETs; the read is re-executed and succeeds; then the PTE is made
; not-present again and INVLPG drops the translation for the next iteration.
; The whole round trip is timed.
LOOP page_fault
    mov dword [nb_pf_armed], 1
    mov ebx, nb_frames
    or ebx, PTE_RW | PTE_US         ; not present
TOP
    mov eax, [NB_PF_PAGE]
    mov [NB_PF_PTE], ebx
    invlpg [NB_PF_PAGE]
ENDLOOP

; System call through INT 0x80 (DPL-3 interrupt gate; the handler IRETs). Run at CPL 3.
LOOP int80
TOP
    int 0x80
ENDLOOP

; System call through SYSENTER (the handler SYSEXITs). Run at CPL 3.
LOOP sysenter
TOP
    mov ecx, esp
    mov edx, .back
    sysenter
.back:
ENDLOOP

; void nb_disarm(void): no #DE / #PF expected any more.
global nb_disarm
nb_disarm:
    mov dword [nb_de_armed], 0
    mov dword [nb_pf_armed], 0
    ret
