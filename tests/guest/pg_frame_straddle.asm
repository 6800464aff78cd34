; pg_frame_straddle: interrupt frames, IRET frames and far-RET frames placed
; against a 4 KiB page boundary on a 32-bit stack, with paging on (32-bit
; paging, no PAE). Linear 0-4 MiB is identity-mapped (user-accessible); PDE 1
; maps the test stack, linear 0x00400000-0x00401fff, supervisor-only: the page
; below the boundary B = 0x00401000 is frame F_LO, the page from B up is frame
; F_HI, and F_HI lies BELOW F_LO in physical memory, so the two halves of a
; straddling frame are not physically contiguous. Before each case both frames
; are filled with 0000f00d (printed "-"); the INT handler copies the 12 dwords
; B-24..B+23 through the physical frames (identity-mapped aliases) the moment
; it is entered, and the test prints them ("site+N" = an address N bytes past
; the case's instruction, "utop-N" = N bytes below the ring 3 stack top) with
; "|" at B, so each slot is shown where it landed and every slot that was not
; written still reads "-". The handler then REWRITES the frame (a new EIP, a
; new CS or SS, new EFLAGS, a new ring 3 ESP) and IRETs, so the result line
; proves each popped slot was read from its own address. The INT gates are
; interrupt gates (0x40: DPL 0, 0x80: DPL 3); GDT 0x30 is a flat DPL 0 code
; segment for ring 0 returns and a flat DPL 3 data segment for ring 3 returns.
;
; Cases: (A) INT 0x40 at CPL 0 with ESP = B+0, +4, +8, +12 (frame ends at B,
; straddles 2/1, straddles 1/2, starts at B), the handler's IRET popping the
; same 3 slots; (B) INT 0x80 from ring 3 with TSS ESP0 = B+0 ... B+20 (5-dword
; frame ending at B, straddling at every slot, starting at B), the IRET back
; to ring 3 popping SS:ESP on either side of / across B; (C) far RET at CPL 0
; and to ring 3 straddling B; (D) IRET and far RET with the page from B up not
; present, #PF through an interrupt gate that runs on the same stack (below,
; present), maps the page and retries; (E) INT 0x40 / INT 0x80 pushing into a
; not-present page, #PF through a TASK gate (its own TSS and stack, since a
; handler on the faulting stack would fault again: #DF), which records what
; the CPU saved in the old TSS, maps the page and returns (IRET, NT = 1) to
; the faulting INT, which is retried.
;
; Why the values are right (Intel SDM vol. 3: 6.12.1 and Figure 6-4, 6.13,
; 6.15 "Interrupt 14", 4.6, 4.7, 4.10.4.3, 7.3, 7.4, 17.3.1.1; vol. 2: the
; INT n, IRET and RET pseudocode):
; - INT n through an interrupt gate to the same privilege level pushes
;   EFLAGS, CS, EIP (each a dword, CS padded: here the fill's upper half is 0,
;   so a zero-padded and a 16-bit write both read 00000008) on the current
;   stack: 12 bytes below ESP, lowest address = EIP = the next instruction
;   (INT imm8 is 2 bytes: site+2); EFLAGS is the image before the gate
;   cleared IF/TF (000008d7 as set). Nothing else is written. Paging is
;   transparent: a dword at linear B-4 is in F_LO at 0xffc, one at B in F_HI
;   at 0, whatever the stack looked like physically.
; - From CPL 3 through a DPL 3 gate to a DPL 0 handler the CPU switches to
;   SS0:ESP0 from the TSS and pushes SS, ESP, EFLAGS, CS, EIP there: the frame
;   is ESP0-20..ESP0-1 (SS 0023, ESP = utop-0, EFLAGS 00000ad7, CS 001b). The
;   ring 0 stack pages are supervisor-only (U/S = 0) and these writes succeed,
;   so they are supervisor-mode accesses (4.6), whatever the old CPL.
; - IRET at CPL 0 pops EIP, CS, EFLAGS; if the popped CS has RPL 3 it then
;   pops ESP and SS. The handler's rewrites therefore come back as CS 0030
;   (ring 0) or CS 001b, SS 0033, ESP utop-64 (ring 3), EFLAGS 00000047 /
;   00000247, and ESP after a same-level IRET = ESP before the INT (B+off).
;   A far RET pops EIP, CS (and, to an outer level, ESP, SS) and leaves
;   EFLAGS alone (00000893 as launched).
; - #PF is a fault (6.15): CR2 = the linear address whose access faulted,
;   the saved CS:EIP = the faulting instruction (site+0), and the instruction
;   has had no effect (ESP unchanged). The error code here has P = 0 (page
;   not present), W/R = 1 for the pushes of INT and 0 for the pops of
;   IRET/RET, U/S = 0 (supervisor accesses, see above). Through an interrupt
;   gate at CPL 0 the #PF frame (error code, EIP, CS, EFLAGS) goes just below
;   the faulting ESP: the handler's ESP = faulting ESP - 16 ("frame at").
;   Through a task gate the faulting task's state is saved in its TSS (EIP =
;   the INT, ESP = as before the INT, CS/SS of the faulting CPL) and the error
;   code is pushed on the new task's stack (6.12.2, 7.3).
; - Which slot faults first: the pseudocode pushes SS, ESP, EFLAGS, CS, EIP
;   in that order, each below the previous one, so the first push that
;   reaches a not-present page is the HIGHEST frame slot in it: with ESP = B+4
;   and the page below B absent that is CS at B-4 (EFLAGS at B is in the
;   present page); with ESP = B+8 and the page from B absent it is EFLAGS at
;   B+4; with the whole frame in the absent page, the top slot (B+8 for a
;   3-dword frame at B, SS at B+16 for a 5-dword one). IRET pops EIP, CS,
;   EFLAGS, then ESP, SS, in increasing address order, and far RET EIP, CS,
;   then ESP, SS: every pop case here faults first at B (the lowest absent
;   slot; in "iret esp=B-4" CS at B precedes EFLAGS at B+4, in "retf to ring
;   3 esp=B-8" ESP at B precedes SS at B+4).
; - Not-present entries are not cached (4.10.4.3): setting P and retrying
;   without INVLPG works, and the retried instruction completes as in the
;   cases without a fault. A task return (IRET with NT = 1) resumes the
;   faulting task at the INT, which is then executed from the start.
; - EFLAGS are printed with RF (bit 16) masked: for a fault the SDM lets the
;   saved image have RF set (17.3.1.1), which a retried INT could push.
; expect-exit: 1
; expect: A. int 0x40 at cpl 0, esp=B+0: frame at B-12: eip=site+2 cs=0008 efl=000008d7 -> cs=0030 efl=00000047 esp=B+0
; expect:   B-24..B+23: - - - site+2 00000008 000008d7 | - - - - - -
; expect: A. int 0x40 at cpl 0, esp=B+4: frame at B-8: eip=site+2 cs=0008 efl=000008d7 -> cs=0030 efl=00000047 esp=B+4
; expect:   B-24..B+23: - - - - site+2 00000008 | 000008d7 - - - - -
; expect: A. int 0x40 at cpl 0, esp=B+8: frame at B-4: eip=site+2 cs=0008 efl=000008d7 -> cs=0030 efl=00000047 esp=B+8
; expect:   B-24..B+23: - - - - - site+2 | 00000008 000008d7 - - - -
; expect: A. int 0x40 at cpl 0, esp=B+12: frame at B+0: eip=site+2 cs=0008 efl=000008d7 -> cs=0030 efl=00000047 esp=B+12
; expect:   B-24..B+23: - - - - - - | site+2 00000008 000008d7 - - -
; expect: B. int 0x80 from ring 3, esp0=B+0: frame at B-20: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect:   B-24..B+23: - site+2 0000001b 00000ad7 utop-0 00000023 | - - - - - -
; expect: B. int 0x80 from ring 3, esp0=B+4: frame at B-16: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect:   B-24..B+23: - - site+2 0000001b 00000ad7 utop-0 | 00000023 - - - - -
; expect: B. int 0x80 from ring 3, esp0=B+8: frame at B-12: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect:   B-24..B+23: - - - site+2 0000001b 00000ad7 | utop-0 00000023 - - - -
; expect: B. int 0x80 from ring 3, esp0=B+12: frame at B-8: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect:   B-24..B+23: - - - - site+2 0000001b | 00000ad7 utop-0 00000023 - - -
; expect: B. int 0x80 from ring 3, esp0=B+16: frame at B-4: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect:   B-24..B+23: - - - - - site+2 | 0000001b 00000ad7 utop-0 00000023 - -
; expect: B. int 0x80 from ring 3, esp0=B+20: frame at B+0: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect:   B-24..B+23: - - - - - - | site+2 0000001b 00000ad7 utop-0 00000023 -
; expect: C. retf at cpl 0, esp=B-4 -> cs=0030 efl=00000893 esp=B+4
; expect: C. retf at cpl 0, esp=B-8 -> cs=0030 efl=00000893 esp=B+0
; expect: C. retf to ring 3, esp=B-8 -> cs=001b ss=0033 esp=utop-64 efl=00000893
; expect: C. retf to ring 3, esp=B-12 -> cs=001b ss=0033 esp=utop-64 efl=00000893
; expect: D. iret at cpl 0, esp=B-8, page at B absent: faults=1 cr2=B+0 err=00000000 eip=site+0 cs=0008 frame at B-24 -> cs=0030 efl=00000047 esp=B+4
; expect: D. iret at cpl 0, esp=B-4, page at B absent: faults=1 cr2=B+0 err=00000000 eip=site+0 cs=0008 frame at B-20 -> cs=0030 efl=00000047 esp=B+8
; expect: D. iret at cpl 0, esp=B+0, page at B absent: faults=1 cr2=B+0 err=00000000 eip=site+0 cs=0008 frame at B-16 -> cs=0030 efl=00000047 esp=B+12
; expect: D. iret to ring 3, esp=B-12, page at B absent: faults=1 cr2=B+0 err=00000000 eip=site+0 cs=0008 frame at B-28 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect: D. iret to ring 3, esp=B-16, page at B absent: faults=1 cr2=B+0 err=00000000 eip=site+0 cs=0008 frame at B-32 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect: D. retf at cpl 0, esp=B-4, page at B absent: faults=1 cr2=B+0 err=00000000 eip=site+0 cs=0008 frame at B-20 -> cs=0030 efl=00000893 esp=B+4
; expect: D. retf to ring 3, esp=B-8, page at B absent: faults=1 cr2=B+0 err=00000000 eip=site+0 cs=0008 frame at B-24 -> cs=001b ss=0033 esp=utop-64 efl=00000893
; expect: D. retf to ring 3, esp=B-12, page at B absent: faults=1 cr2=B+0 err=00000000 eip=site+0 cs=0008 frame at B-28 -> cs=001b ss=0033 esp=utop-64 efl=00000893
; expect: E. int 0x40 at cpl 0, esp=B+4, page below B absent: faults=1 cr2=B-4 err=00000002 eip=site+0 cs=0008 esp=B+4
; expect:   retried: frame at B-8: eip=site+2 cs=0008 efl=000008d7 -> cs=0030 efl=00000047 esp=B+4
; expect: E. int 0x40 at cpl 0, esp=B+8, page at B absent: faults=1 cr2=B+4 err=00000002 eip=site+0 cs=0008 esp=B+8
; expect:   retried: frame at B-4: eip=site+2 cs=0008 efl=000008d7 -> cs=0030 efl=00000047 esp=B+8
; expect: E. int 0x40 at cpl 0, esp=B+12, page at B absent: faults=1 cr2=B+8 err=00000002 eip=site+0 cs=0008 esp=B+12
; expect:   retried: frame at B+0: eip=site+2 cs=0008 efl=000008d7 -> cs=0030 efl=00000047 esp=B+12
; expect: E. int 0x80 from ring 3, esp0=B+12, page below B absent: faults=1 cr2=B-4 err=00000002 eip=site+0 cs=001b esp=utop-0 ss=0023
; expect:   retried: frame at B-8: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect: E. int 0x80 from ring 3, esp0=B+8, page at B absent: faults=1 cr2=B+4 err=00000002 eip=site+0 cs=001b esp=utop-0 ss=0023
; expect:   retried: frame at B-12: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect: E. int 0x80 from ring 3, esp0=B+20, page at B absent: faults=1 cr2=B+16 err=00000002 eip=site+0 cs=001b esp=utop-0 ss=0023
; expect:   retried: frame at B+0: eip=site+2 cs=001b efl=00000ad7 esp=utop-0 ss=0023 -> cs=001b ss=0033 esp=utop-64 efl=00000247
; expect: total #PF: 14

%include "guest.inc"
%include "idt.inc"
%include "rings.inc"
%include "paging.inc"

STK         equ 0x00400000          ; linear base of the two test stack pages
B           equ STK + 0x1000        ; the page boundary
FILL        equ 0x0000F00D          ; stack fill ("-")
EFL_RF      equ 1 << 16
EFL_INT0    equ 0x000008D7          ; OF SF ZF AF PF CF, IF = 0: flags at INT 0x40
EFL_INT3    equ 0x00000AD7          ; the same and IF = 1: flags at INT 0x80
EFL_NEW0    equ 0x00000047          ; the handler's rewrite, ring 0 return
EFL_NEW3    equ 0x00000247          ; the handler's rewrite, ring 3 return
EFL_LAUNCH  equ 0x00000893          ; OF SF AF CF: flags at the IRET / RETF cases
U_NEW_ESP   equ u_stack_top - 64    ; the ring 3 ESP of every return to ring 3
SPARE3      equ SPARE_SEL | 3       ; GDT 0x30 as a DPL 3 data segment

F_HI        equ frames              ; frame of the page from B up
F_LO        equ frames + 2 * 4096   ; frame of the page below B

; poke linear, value: write a dword of the test stack through its frame
; (works whether or not the page is present).
%macro poke 2
    push eax
    push edx
    mov eax, %1
    mov edx, %2
    call poke_fn
    pop edx
    pop eax
%endmacro

; A: int0_case "text", ESP offset from B
%macro int0_case 2
    mov al, 3
    call set_pages
    mov eax, B + %2
    call run_int0
    print "A. int 0x40 at cpl 0, esp="
    print %1
    mov ebx, site_int40
    call show_hframe
    call show_result
    call newline
    call show_window
%endmacro

; B: int3_case "text", ESP0 offset from B
%macro int3_case 2
    mov al, 3
    call set_pages
    mov eax, B + %2
    call run_int3
    print "B. int 0x80 from ring 3, esp0="
    print %1
    mov ebx, u_int80
    call show_hframe
    call show_result
    call newline
    call show_window
%endmacro

; E: push_fault_case pages (set_pages' AL: 2 = the page below B absent, 1 = the page
; from B absent), ESP or ESP0 offset from B, run_int0 or run_int3, the INT's site, "text".
; Prints the #PF the push took (through the task gate), then the retried INT's frame.
%macro push_fault_case 5
    mov al, %1
    call set_pages
    mov eax, B + %2
    call %3
    print %5
    pf_line %4
    call newline
    print "  retried"
    mov ebx, %4
    call show_hframe
    call show_result
    call newline
%endmacro

; D / E: the fault report ("faults=... cr2=...") for the instruction at %1.
%macro pf_line 1
    mov ebx, %1
    call show_pf
%endmacro

main:
    call setup_rings
    gate 0x40, h_frame, GATE_INTR
    gate 0x80, h_frame, GATE_INTR3
    mov eax, PG_P | PG_W | PG_U
    call pg_map_low
    mov dword [pg_dir + 1 * 4], tab1 + PG_P + PG_W     ; supervisor-only
    mov al, 3
    call set_pages
    call pg_enable
    mov eax, cr3
    mov [rtss + 0x1C], eax              ; CR3 of both tasks (a static field)
    TSS2_TASK pf_task, pf_stack_top     ; the #PF task

    ; ---- A: INT n at CPL 0, no fault ----
    int0_case "B+0", 0
    int0_case "B+4", 4
    int0_case "B+8", 8
    int0_case "B+12", 12

    ; ---- B: INT 0x80 from ring 3, no fault ----
    int3_case "B+0", 0
    int3_case "B+4", 4
    int3_case "B+8", 8
    int3_case "B+12", 12
    int3_case "B+16", 16
    int3_case "B+20", 20

    ; ---- C: far RET straddling B, no fault ----
    call prep_case
    call spare_code
    poke B - 4, r0_target
    poke B, SPARE_SEL
    mov eax, B - 4
    mov ebx, site_retf
    mov edx, KDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "C. retf at cpl 0, esp=B-4"
    call show_result
    call newline

    call prep_case
    call spare_code
    poke B - 8, r0_target
    poke B - 4, SPARE_SEL
    mov eax, B - 8
    mov ebx, site_retf
    mov edx, KDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "C. retf at cpl 0, esp=B-8"
    call show_result
    call newline

    call prep_case
    poke B - 8, r3_target
    poke B - 4, UCODE
    poke B, U_NEW_ESP
    poke B + 4, SPARE3
    mov eax, B - 8
    mov ebx, site_retf
    mov edx, UDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "C. retf to ring 3, esp=B-8"
    call show_result
    call newline

    call prep_case
    poke B - 12, r3_target
    poke B - 8, UCODE
    poke B - 4, U_NEW_ESP
    poke B, SPARE3
    mov eax, B - 12
    mov ebx, site_retf
    mov edx, UDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "C. retf to ring 3, esp=B-12"
    call show_result
    call newline

    ; ---- D: IRET / far RET reading a not-present page ----
    gate PF_VEC, pf_gate, GATE_INTR

    call prep_case                      ; IRET, only EFLAGS in the absent page
    call spare_code
    poke B - 8, r0_target
    poke B - 4, SPARE_SEL
    poke B, EFL_NEW0
    mov al, 1
    call set_pages
    mov eax, B - 8
    mov ebx, site_iret
    mov edx, KDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "D. iret at cpl 0, esp=B-8, page at B absent:"
    pf_line site_iret
    call show_result
    call newline

    call prep_case                      ; IRET, CS and EFLAGS absent
    call spare_code
    poke B - 4, r0_target
    poke B, SPARE_SEL
    poke B + 4, EFL_NEW0
    mov al, 1
    call set_pages
    mov eax, B - 4
    mov ebx, site_iret
    mov edx, KDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "D. iret at cpl 0, esp=B-4, page at B absent:"
    pf_line site_iret
    call show_result
    call newline

    call prep_case                      ; IRET, the whole frame absent
    call spare_code
    poke B, r0_target
    poke B + 4, SPARE_SEL
    poke B + 8, EFL_NEW0
    mov al, 1
    call set_pages
    mov eax, B
    mov ebx, site_iret
    mov edx, KDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "D. iret at cpl 0, esp=B+0, page at B absent:"
    pf_line site_iret
    call show_result
    call newline

    call prep_case                      ; IRET to ring 3, ESP and SS absent
    poke B - 12, r3_target
    poke B - 8, UCODE
    poke B - 4, EFL_NEW3
    poke B, U_NEW_ESP
    poke B + 4, SPARE3
    mov al, 1
    call set_pages
    mov eax, B - 12
    mov ebx, site_iret
    mov edx, UDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "D. iret to ring 3, esp=B-12, page at B absent:"
    pf_line site_iret
    call show_result
    call newline

    call prep_case                      ; IRET to ring 3, only SS absent
    poke B - 16, r3_target
    poke B - 12, UCODE
    poke B - 8, EFL_NEW3
    poke B - 4, U_NEW_ESP
    poke B, SPARE3
    mov al, 1
    call set_pages
    mov eax, B - 16
    mov ebx, site_iret
    mov edx, UDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "D. iret to ring 3, esp=B-16, page at B absent:"
    pf_line site_iret
    call show_result
    call newline

    call prep_case                      ; RETF, CS absent
    call spare_code
    poke B - 4, r0_target
    poke B, SPARE_SEL
    mov al, 1
    call set_pages
    mov eax, B - 4
    mov ebx, site_retf
    mov edx, KDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "D. retf at cpl 0, esp=B-4, page at B absent:"
    pf_line site_retf
    call show_result
    call newline

    call prep_case                      ; RETF to ring 3, ESP and SS absent
    poke B - 8, r3_target
    poke B - 4, UCODE
    poke B, U_NEW_ESP
    poke B + 4, SPARE3
    mov al, 1
    call set_pages
    mov eax, B - 8
    mov ebx, site_retf
    mov edx, UDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "D. retf to ring 3, esp=B-8, page at B absent:"
    pf_line site_retf
    call show_result
    call newline

    call prep_case                      ; RETF to ring 3, only SS absent
    poke B - 12, r3_target
    poke B - 8, UCODE
    poke B - 4, U_NEW_ESP
    poke B, SPARE3
    mov al, 1
    call set_pages
    mov eax, B - 12
    mov ebx, site_retf
    mov edx, UDATA
    mov ecx, EFL_LAUNCH
    call launch
    print "D. retf to ring 3, esp=B-12, page at B absent:"
    pf_line site_retf
    call show_result
    call newline

    ; ---- E: INT n pushing into a not-present page, #PF -> task gate ----
    mov dword [idt + PF_VEC * 8], TSS2_SEL << 16
    mov dword [idt + PF_VEC * 8 + 4], 0x8500    ; present, DPL 0, task gate

    push_fault_case 2, 4, run_int0, site_int40, "E. int 0x40 at cpl 0, esp=B+4, page below B absent:"
    push_fault_case 1, 8, run_int0, site_int40, "E. int 0x40 at cpl 0, esp=B+8, page at B absent:"
    push_fault_case 1, 12, run_int0, site_int40, "E. int 0x40 at cpl 0, esp=B+12, page at B absent:"
    push_fault_case 2, 12, run_int3, u_int80, "E. int 0x80 from ring 3, esp0=B+12, page below B absent:"
    push_fault_case 1, 8, run_int3, u_int80, "E. int 0x80 from ring 3, esp0=B+8, page at B absent:"
    push_fault_case 1, 20, run_int3, u_int80, "E. int 0x80 from ring 3, esp0=B+20, page at B absent:"

    print "total #PF: "
    print_dec [pf_total]
    call newline
    exit 0

; ---------------------------------------------------------------- setup ----

; set_pages: AL bit 0 = the page below B present, bit 1 = the page from B
; present (writable, supervisor, in any case). Invalidates both.
set_pages:
    push edx
    mov edx, F_LO + PG_W
    test al, 1
    jz .lo
    or edx, PG_P
.lo:
    mov [tab1], edx
    mov edx, F_HI + PG_W
    test al, 2
    jz .hi
    or edx, PG_P
.hi:
    mov [tab1 + 4], edx
    invlpg [STK]
    invlpg [B]
    pop edx
    ret

; poke_fn: EAX = linear address in the test stack, EDX = dword.
poke_fn:
    push eax
    push ebx
    mov ebx, eax
    shr ebx, 12
    and ebx, 0x3FF
    mov ebx, [tab1 + ebx * 4]
    and ebx, ~0xFFF
    and eax, 0xFFF
    mov [ebx + eax], edx
    pop ebx
    pop eax
    ret

; GDT 0x30: flat code, DPL 0 / flat data, writable, DPL 3.
spare_code:
    mov dword [rgdt + SPARE_SEL], 0x0000FFFF
    mov dword [rgdt + SPARE_SEL + 4], 0x00CF9A00
    ret

spare_data:
    mov dword [rgdt + SPARE_SEL], 0x0000FFFF
    mov dword [rgdt + SPARE_SEL + 4], 0x00CFF200
    ret

; prep_case: both pages present, frames filled, results forgotten, GDT 0x30
; a DPL 3 data segment.
prep_case:
    pushad
    mov al, 3
    call set_pages
    cld
    mov edi, frames
    mov ecx, 3 * 1024
    mov eax, FILL
    rep stosd
    mov edi, res_begin
    mov ecx, (res_end - res_begin) / 4
    mov eax, 0xEEEEEEEE
    rep stosd
    mov dword [pf_n], 0
    call spare_data
    popad
    ret

; prep_keeping_pages: prep_case, then the two pages present or absent as the caller had
; set them (prep_case changes the table entries).
prep_keeping_pages:
    mov al, [tab1]
    mov ah, [tab1 + 4]
    call prep_case
    and al, PG_P
    and ah, PG_P
    shl ah, 1
    or al, ah
    call set_pages
    ret

; run_int0: EAX = ESP for INT 0x40 at CPL 0 (pages as set by the caller).
run_int0:
    pushad
    mov ebx, eax
    call prep_keeping_pages
    call spare_code
    mov eax, ebx
    mov ebx, site_int40
    mov ecx, EFL_INT0
    mov edx, KDATA
    call launch
    popad
    ret

; run_int3: EAX = TSS ESP0 for INT 0x80 from ring 3 (pages as set by the caller).
run_int3:
    pushad
    mov ebx, eax
    call prep_keeping_pages
    mov [rtss + 4], ebx                 ; ESP0
    RING3 u_int80, EFL_INT3
    mov dword [rtss + 4], r0_stack_top
    popad
    ret

; launch: EAX = ESP, EBX = where to go, ECX = EFLAGS, EDX = DS and ES. Comes
; back (all registers kept) when r0_target or r3_target is reached.
launch:
    pushad
    mov [r0_resume_esp], esp
    mov ds, dx
    mov es, dx
    push ecx
    popfd
    mov esp, eax
    jmp ebx

; ------------------------------------------------------- code under test ----

site_int40:
    int 0x40
site_iret:
    iret
site_retf:
    retf

; ring 0 landing point: record CS, EFLAGS, ESP, go back to the launcher's caller.
r0_target:
    mov [ss:t_esp], esp
    pushfd
    pop dword [ss:t_fl]
    mov [ss:t_cs], cs
    mov dword [ss:t_where], 0
    jmp KCODE:r0_back
r0_back:
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    mov esp, [r0_resume_esp]
    popad
    ret

; ring 3 code
u_int80:
    int 0x80
    ud2
r3_target:
    mov [u_esp], esp
    mov [u_ss], ss
    mov [u_cs], cs
    pushfd
    pop dword [u_fl]
    mov dword [t_where], 3
    int R3_EXIT                         ; rings.inc: back to the RING3 / launch caller

; INT 0x40 / INT 0x80 handler: copy B-24..B+23 (through the frames) and the
; frame (through ESP) before pushing anything, then rewrite the frame and IRET.
h_frame:
    mov [ss:hf_esp], esp
    mov [ss:hf_eax], eax
%assign i 0
%rep 6
    mov eax, [ss:F_LO + 0x1000 - 24 + i * 4]
    mov [ss:hf_win + i * 4], eax
    mov eax, [ss:F_HI + i * 4]
    mov [ss:hf_win + 24 + i * 4], eax
%assign i i + 1
%endrep
    mov eax, [esp]
    mov [ss:hf_eip], eax
    mov eax, [esp + 4]
    mov [ss:hf_cs], eax
    mov eax, [esp + 8]
    mov [ss:hf_efl], eax
    test byte [esp + 4], 3
    jz .ring0
    mov eax, [esp + 12]
    mov [ss:hf_oesp], eax
    mov eax, [esp + 16]
    mov [ss:hf_oss], eax
    mov dword [esp], r3_target
    mov dword [esp + 8], EFL_NEW3
    mov dword [esp + 12], U_NEW_ESP
    mov dword [esp + 16], SPARE3
    jmp .out
.ring0:
    mov dword [esp], r0_target
    mov dword [esp + 4], SPARE_SEL
    mov dword [esp + 8], EFL_NEW0
.out:
    mov eax, [ss:hf_eax]
    iret

; #PF through an interrupt gate (D): runs on the faulting stack.
pf_gate:
    mov [ss:pf_frame], esp
    push eax
    mov eax, [esp + 4]
    mov [ss:pf_err], eax
    mov eax, [esp + 8]
    mov [ss:pf_eip], eax
    mov eax, [esp + 12]
    mov [ss:pf_cs], eax
    mov dword [ss:pf_kind], 0
    call pf_map
    pop eax
    add esp, 4
    iret

; #PF task (E): the faulting task's state is in rtss, the error code on our stack.
pf_task:
    pop dword [pf_err]
    mov eax, [rtss + 0x20]
    mov [pf_eip], eax
    mov eax, [rtss + 0x4C]
    mov [pf_cs], eax
    mov eax, [rtss + 0x38]
    mov [pf_oesp], eax
    mov eax, [rtss + 0x50]
    mov [pf_oss], eax
    mov dword [pf_kind], 1
    call pf_map
    iret                                ; NT = 1: back to the faulting task
    jmp pf_task

; pf_map: record CR2, count, make the faulting test-stack page present.
pf_map:
    push eax
    push ds
    mov ax, KDATA
    mov ds, ax
    mov eax, cr2
    mov [pf_cr2], eax
    inc dword [pf_n]
    inc dword [pf_total]
    cmp dword [pf_n], 1
    jne .bad
    test dword [pf_err], PG_P
    jnz .bad
    sub eax, STK
    cmp eax, 0x2000
    jae .bad
    shr eax, 12
    or dword [tab1 + eax * 4], PG_P
    pop ds
    pop eax
    ret
.bad:
    print "UNEXPECTED #PF cr2="
    print_hex32 [pf_cr2]
    print " err="
    print_hex32 [pf_err]
    print " eip="
    print_hex32 [pf_eip]
    call newline
    exit 0x7E

; --------------------------------------------------------------- output ----

; put_rel: EAX = linear address, as B+N / B-N.
put_rel:
    push eax
    print "B"
    sub eax, B
    jl .minus
    print "+"
    jmp .num
.minus:
    neg eax
    print "-"
.num:
    call put_dec
    pop eax
    ret

; put_slot: EAX = a stack dword, EBX = the case's instruction. "-" for the
; fill, site+N just past EBX, utop-N in the ring 3 stack, else 8 hex digits.
put_slot:
    push eax
    push edx
    cmp eax, FILL
    je .fill
    mov edx, eax
    sub edx, ebx
    cmp edx, 16
    jb .site
    mov edx, u_stack_top
    sub edx, eax
    cmp edx, 4096
    jbe .utop
    call put_hex32
    jmp .done
.fill:
    print "-"
    jmp .done
.site:
    print "site+"
    mov eax, edx
    call put_dec
    jmp .done
.utop:
    print "utop-"
    mov eax, edx
    call put_dec
.done:
    pop edx
    pop eax
    ret

; show_hframe: EBX = site. ": frame at ...: eip= cs= efl= [esp= ss=]"
show_hframe:
    pushad
    print ": frame at "
    mov eax, [hf_esp]
    call put_rel
    print ": eip="
    mov eax, [hf_eip]
    call put_slot
    print " cs="
    print_hex16 [hf_cs]
    print " efl="
    mov eax, [hf_efl]
    and eax, ~EFL_RF
    call put_hex32
    test byte [hf_cs], 3
    jz .done
    print " esp="
    mov eax, [hf_oesp]
    call put_slot
    print " ss="
    print_hex16 [hf_oss]
.done:
    popad
    ret

; show_result: " -> ..." as seen at r0_target or r3_target.
show_result:
    pushad
    mov ebx, 0
    cmp dword [t_where], 0
    je .r0
    cmp dword [t_where], 3
    je .r3
    print " -> nowhere"
    jmp .done
.r0:
    print " -> cs="
    print_hex16 [t_cs]
    print " efl="
    mov eax, [t_fl]
    and eax, ~EFL_RF
    call put_hex32
    print " esp="
    mov eax, [t_esp]
    call put_rel
    jmp .done
.r3:
    print " -> cs="
    print_hex16 [u_cs]
    print " ss="
    print_hex16 [u_ss]
    print " esp="
    mov eax, [u_esp]
    call put_slot
    print " efl="
    mov eax, [u_fl]
    and eax, ~EFL_RF
    call put_hex32
.done:
    popad
    ret

; show_window: EBX = site. The 12 dwords B-24..B+23 the handler found.
show_window:
    pushad
    print "  B-24..B+23:"
    xor edi, edi
.slot:
    cmp edi, 6
    jne .sep
    print " |"
.sep:
    print " "
    mov eax, [hf_win + edi * 4]
    call put_slot
    inc edi
    cmp edi, 12
    jb .slot
    call newline
    popad
    ret

; show_pf: EBX = site. " faults=N cr2= err= eip= cs=" then, for the gate,
; " frame at ..." and for the task the saved ESP (and SS from ring 3).
show_pf:
    pushad
    print " faults="
    print_dec [pf_n]
    print " cr2="
    mov eax, [pf_cr2]
    call put_rel
    print " err="
    print_hex32 [pf_err]
    print " eip="
    mov eax, [pf_eip]
    call put_slot
    print " cs="
    print_hex16 [pf_cs]
    cmp dword [pf_kind], 1
    je .task
    print " frame at "
    mov eax, [pf_frame]
    call put_rel
    jmp .done
.task:
    print " esp="
    mov eax, [pf_oesp]
    test byte [pf_cs], 3
    jnz .user
    call put_rel
    jmp .done
.user:
    call put_slot
    print " ss="
    print_hex16 [pf_oss]
.done:
    popad
    ret

section .bss
alignb 4096
tab1:       resb 4096               ; PDE 1: the test stack pages
frames:     resb 3 * 4096           ; F_HI, (unused), F_LO
alignb 16
            resb 1024
pf_stack_top:
alignb 4
res_begin:
hf_esp:     resd 1
hf_eax:     resd 1
hf_eip:     resd 1
hf_cs:      resd 1
hf_efl:     resd 1
hf_oesp:    resd 1
hf_oss:     resd 1
hf_win:     resd 12
t_esp:      resd 1
t_fl:       resd 1
t_cs:       resd 1
t_where:    resd 1
u_esp:      resd 1
u_ss:       resd 1
u_cs:       resd 1
u_fl:       resd 1
pf_frame:   resd 1
pf_err:     resd 1
pf_eip:     resd 1
pf_cs:      resd 1
pf_cr2:     resd 1
pf_oesp:    resd 1
pf_oss:     resd 1
pf_kind:    resd 1
res_end:
pf_n:       resd 1
pf_total:   resd 1
