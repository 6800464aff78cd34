; ring_task_return: nested task switches and their returns. The main task's
; TSS is GDT 0x28 (loaded with LTR); task 2's is GDT 0x38 (available, limit
; 0x67: EIP = task2, ESP = t2_stack_top, EFLAGS = 2, CS = 0008, the other
; selectors 0010). No paging. Three rounds, each entering task 2 another way:
;   1. CALL 0038:0 (a far CALL to the TSS), which task 2 leaves with IRET;
;   2. INT 0x40 through a task gate naming 0038, left with IRET as well;
;   3. JMP 0038:0, which task 2 leaves with JMP 0028:0.
; Task 2 prints what it sees on each entry; after each return the main task
; prints what it sees. CR0.TS is cleared before each round.
;
; Why the values are right (SDM vol. 3, 7.3, 7.4 and Table 7-2; IRET's
; TASK-RETURN): CALL and INT nest: the new task's link field gets the old TR
; (0028), the new task runs with NT = 1, and both TSSs are busy (8b). IRET
; with NT = 1 pops nothing: it saves task 2's state in its TSS with NT
; cleared in the saved EFLAGS image (and EIP after the IRET, so the next
; entry resumes there: run 2 and run 3 start at "resume"), clears task 2's
; busy bit (89) and reloads the main task from its TSS: EBX, EBP, ESP and
; EFLAGS (NT = 0) are what they were at the CALL, TR = 0028, CR0.TS = 1. JMP
; does not nest: it clears the old task's busy bit (the main TSS is 89 while
; task 2 runs), leaves the link (still 0028) and NT as the new task's TSS has
; it (0, as the IRET saved it); JMP 0028:0 back makes the main TSS busy and
; frees task 2's.
; expect-exit: 1
; expect: before: tr=0028 tss=8b tss2=89
; expect: task2 run 1 at start: tr=0038 link=0028 nt=1 ts=1 eax=eaeaeaea busy: tss=8b tss2=8b
; expect: after call: tr=0028 nt=0 ts=1 ebx=b0b0b0b0 ebp=0badcafe esp same=1 busy: tss=8b tss2=89
; expect: task2 saved: eip=resume+0 nt=0
; expect: task2 run 2 at resume: tr=0038 link=0028 nt=1 ts=1 eax=00000001 busy: tss=8b tss2=8b
; expect: after int: tr=0028 nt=0 ts=1 ebx=b0b0b0b0 ebp=0badcafe esp same=1 busy: tss=8b tss2=89
; expect: task2 run 3 at resume: tr=0038 link=0028 nt=0 ts=1 eax=00000002 busy: tss=89 tss2=8b
; expect: after jmp: tr=0028 nt=0 ts=1 ebx=b0b0b0b0 ebp=0badcafe esp same=1 busy: tss=8b tss2=89

%include "guest.inc"
%include "idt.inc"
%include "rings.inc"

TASK_VEC    equ 0x40

main:
    call setup_rings
    mov dword [idt + TASK_VEC * 8], TSS2_SEL << 16
    mov dword [idt + TASK_VEC * 8 + 4], 0x8500  ; present, DPL 0, task gate

    TSS2_TASK task2, t2_stack_top

    print "before: tr="
    str ax
    print_hex16 ax
    call show_busy_short
    call newline

    mov ebx, 0xB0B0B0B0
    mov ebp, 0x0BADCAFE
    mov [m_esp], esp
    clts
    call TSS2_SEL:0
    print "after call:"
    call show_main

    print "task2 saved: eip=resume+"
    mov eax, [rtss2 + 0x20]
    sub eax, task2.resume
    call put_dec
    print " nt="
    mov eax, [rtss2 + 0x24]
    shr eax, 14
    and eax, 1
    call put_dec
    call newline

    clts
    int TASK_VEC
    print "after int:"
    call show_main

    clts
    jmp TSS2_SEL:0
    print "after jmp:"
    call show_main
    exit 0

; show_main: " tr=... nt=... ts=... ebx=... ebp=... esp same=... busy: ..."
; and a newline, for the main task just resumed (EBX, EBP as set before).
show_main:
    pushfd
    pop dword [m_flags]
    push eax
    print " tr="
    str ax
    print_hex16 ax
    print " nt="
    mov eax, [m_flags]
    shr eax, 14
    and eax, 1
    call put_dec
    call show_ts
    print " ebx="
    print_hex32 ebx
    print " ebp="
    print_hex32 ebp
    print " esp same="
    lea eax, [esp + 8]                          ; before this call and the push
    cmp eax, [m_esp]
    sete al
    movzx eax, al
    call put_dec
    print " busy:"
    call show_busy_short
    call newline
    pop eax
    ret

; show_ts: " ts=N" from CR0.TS.
show_ts:
    push eax
    print " ts="
    mov eax, cr0
    shr eax, 3
    and eax, 1
    call put_dec
    pop eax
    ret

; show_busy_short: " tss=xx tss2=xx", the access bytes of both TSS descriptors.
show_busy_short:
    print " tss="
    print_hex8 [rgdt + TSS_SEL + 5]
    print " tss2="
    print_hex8 [rgdt + TSS2_SEL + 5]
    ret

; ---- task 2 ----
task2:
    mov dword [t2_where], t2_at_start
.enter:
    mov [t2_eax], eax
    pushfd
    pop dword [t2_flags]
    inc dword [t2_runs]
    print "task2 run "
    print_dec [t2_runs]
    mov esi, [t2_where]
    call puts
    print ": tr="
    str ax
    print_hex16 ax
    print " link="
    print_hex16 [rtss2]
    print " nt="
    mov eax, [t2_flags]
    shr eax, 14
    and eax, 1
    call put_dec
    call show_ts
    print " eax="
    print_hex32 [t2_eax]
    print " busy:"
    call show_busy_short
    call newline
    mov eax, [t2_runs]                          ; the next run's EAX
    cmp eax, 3
    je .leave_by_jmp
    iret                                        ; NT = 1: back to the main task
.resume:
    mov dword [t2_where], t2_at_resume
    jmp .enter
.leave_by_jmp:
    jmp TSS_SEL:0
    println "task2: the JMP back did not switch"
    exit 0x7D

section .rodata
t2_at_start:    db " at start", 0
t2_at_resume:   db " at resume", 0

section .bss
alignb 16
                resb 1024
t2_stack_top:
alignb 4
m_esp:          resd 1
m_flags:        resd 1
t2_where:       resd 1
t2_eax:         resd 1
t2_flags:       resd 1
t2_runs:        resd 1
