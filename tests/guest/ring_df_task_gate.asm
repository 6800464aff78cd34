; ring_df_task_gate: a double fault delivered through a task gate, as Linux
; i386 does (IDT vector 8 -> task gate -> a TSS with its own stack). No
; paging. The running task's TSS is GDT 0x28 (loaded with LTR); the #DF TSS
; is GDT 0x38 (available, limit 0x67) with EIP = df_task, ESP = df_stack_top,
; EFLAGS = 2, CS = 0008, SS = DS = ES = FS = GS = 0010, EAX = eaeaeaea. The
; #GP gate (13) is marked not present, then MOV DS with a selector beyond the
; GDT limit raises #GP. The #DF task prints and exits (a #DF cannot be
; resumed).
;
; Why the values are right (SDM vol. 3, 6.15 "Interrupt 8", 6.12.2, 7.3,
; 7.4): the #GP cannot be delivered (its gate is not present: #NP), and a
; contributory fault while delivering a contributory one is a #DF. Vector 8
; holds a task gate, so the CPU switches tasks: it saves the current state
; in the current TSS (EBX = b0b0b0b0 set before the fault; the saved EIP of a
; #DF is undefined and is not printed), keeps the old TSS busy and marks the
; new one busy (type 0x89 -> 0x8b), writes the old TR (0028) into the new
; TSS's previous-task link, sets EFLAGS.NT in the new task and CR0.TS, loads
; TR = 0038 and every register from the new TSS (so EAX = eaeaeaea), and
; pushes the #DF error code 0 on the new task's stack (ESP = stack-4).
; expect-exit: 1
; expect: before: tr=0028 tss=8b tss2=89
; expect: df task: tr=0038 link=0028 cs=0008 ss=0010 err=00000000 esp=stack-4 eax=eaeaeaea nt=1 ts=1
; expect: busy: tss=8b tss2=8b, old task's ebx in its TSS: b0b0b0b0

%include "guest.inc"
%include "idt.inc"
%include "rings.inc"

main:
    call setup_rings
    ; vector 8: task gate -> TSS2_SEL
    mov dword [idt + 8 * 8], TSS2_SEL << 16
    mov dword [idt + 8 * 8 + 4], 0x8500        ; present, DPL 0, task gate
    ; vector 13: not present
    and byte [idt + 13 * 8 + 5], 0x7F

    TSS2_TASK df_task, df_stack_top

    print "before: tr="
    str ax
    print_hex16 ax
    print " tss="
    print_hex8 [rgdt + TSS_SEL + 5]
    print " tss2="
    print_hex8 [rgdt + TSS2_SEL + 5]
    call newline

    mov ebx, 0xB0B0B0B0
    mov ax, 0xFFF8                              ; beyond the GDT limit
    mov ds, ax                                  ; #GP -> #NP -> #DF
    println "no double fault"
    exit 0x7D

; ---- the #DF task ----
df_task:
    mov [df_esp], esp
    pop dword [df_err]
    pushfd
    pop dword [df_flags]
    mov [df_eax], eax
    print "df task: tr="
    str ax
    print_hex16 ax
    print " link="
    print_hex16 [rtss2]
    print " cs="
    mov ax, cs
    print_hex16 ax
    print " ss="
    mov ax, ss
    print_hex16 ax
    print " err="
    print_hex32 [df_err]
    print " esp=stack-"
    mov eax, df_stack_top
    sub eax, [df_esp]
    call put_dec
    print " eax="
    print_hex32 [df_eax]
    print " nt="
    mov eax, [df_flags]
    shr eax, 14
    and eax, 1
    call put_dec
    print " ts="
    mov eax, cr0
    shr eax, 3
    and eax, 1
    call put_dec
    call newline
    print "busy: tss="
    print_hex8 [rgdt + TSS_SEL + 5]
    print " tss2="
    print_hex8 [rgdt + TSS2_SEL + 5]
    print ", old task's ebx in its TSS: "
    print_hex32 [rtss + 0x34]
    call newline
    exit 0

section .bss
alignb 16
            resb 1024
df_stack_top:
alignb 4
df_esp:     resd 1
df_err:     resd 1
df_flags:   resd 1
df_eax:     resd 1
