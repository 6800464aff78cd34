; ring3_sysenter: system calls from ring 3 with SYSENTER and back with
; SYSEXIT (no paging). The GDT has the layout both instructions assume:
; SYSENTER_CS = 0008 (ring 0 code), 0010 ring 0 data, 0018 ring 3 code, 0020
; ring 3 data. SYSENTER_ESP (MSR 0x175) = a stack of its own, SYSENTER_EIP
; (0x176) = the kernel entry. Ring 3 passes its ESP in ECX and its return
; address in EDX (kept by the kernel for SYSEXIT), the call in EAX (1 =
; EBX + ESI, 2 = the same with STI before SYSEXIT), and starts with IF = 1.
; (sens_sysenter.asm covers SYSENTER at CPL 0.)
;
; Why the values are right (SDM vol. 2, SYSENTER and SYSEXIT): SYSENTER
; loads CS = SYSENTER_CS (0008) and SS = SYSENTER_CS + 8 (0010), ESP and EIP
; from the MSRs, clears IF (and VM, RF), and changes nothing else: the
; kernel sees ring 3's DS (0023) and general registers. SYSEXIT (CPL 0 only)
; loads CS = SYSENTER_CS + 16 with RPL 3 (001b), SS = SYSENTER_CS + 24 with
; RPL 3 (0023), ESP = ECX, EIP = EDX, and does not touch EFLAGS: IF stays 0
; unless the kernel ran STI. Nothing is pushed on either stack. SYSEXIT at
; CPL 3 and SYSENTER with SYSENTER_CS = 0 are #GP(0), faults.
; expect-exit: 1
; expect: in kernel: cs=0008 ss=0010 ds=0023 esp=stack-0 if=0 ebx=00000028 esi=00000002
; expect: after sysexit: cs=001b ss=0023 esp=top-4 eip=back eax=0000002a if=0
; expect: kernel sti before sysexit: if=1 eax=0000002b
; expect: 1000 round trips: sum=1000
; expect: ring 3 done: exit cs=001b ss=0023 esp=top-0 frame=esp0-20
; expect: sysexit at CPL 3: #0d err=00000000 eip=site+0 cs=001b
; expect: sysenter with SYSENTER_CS=0 at CPL 3: #0d err=00000000 eip=site+0 cs=001b

%include "guest.inc"
%include "idt.inc"
%include "rings.inc"

%macro wrmsr_const 2
    mov ecx, %1
    mov eax, %2
    xor edx, edx
    wrmsr
%endmacro

%macro fault_case 2                     ; text, entry (site = entry)
    RING3 %2, 0x00000202
    print %1
    r3_report %2
    print " cs="
    print_hex16 [r3_cs]
    call newline
%endmacro

main:
    call setup_rings
    wrmsr_const 0x174, KCODE
    wrmsr_const 0x175, se_stack_top
    wrmsr_const 0x176, se_entry

    RING3 prog, 0x00000202
    print "in kernel: cs="
    print_hex16 [k_cs]
    print " ss="
    print_hex16 [k_ss]
    print " ds="
    print_hex16 [k_ds]
    print " esp=stack-"
    mov eax, se_stack_top
    sub eax, [k_esp]
    call put_dec
    print " if="
    mov eax, [k_flags]
    call put_if
    print " ebx="
    print_hex32 [k_ebx]
    print " esi="
    print_hex32 [k_esi]
    call newline
    print "after sysexit: cs="
    print_hex16 [u_cs]
    print " ss="
    print_hex16 [u_ss]
    print " esp=top-"
    mov eax, u_stack_top
    sub eax, [u_esp]
    call put_dec
    print " eip=back eax="
    print_hex32 [u_eax]
    print " if="
    mov eax, [u_flags]
    call put_if
    call newline
    print "kernel sti before sysexit: if="
    mov eax, [u_flags2]
    call put_if
    print " eax="
    print_hex32 [u_eax2]
    call newline
    print "1000 round trips: sum="
    print_dec [u_sum]
    call newline
    print "ring 3 done: "
    r3_report 0
    call r3_show_frame
    call newline

    fault_case "sysexit at CPL 3: ", p_sysexit
    wrmsr_const 0x174, 0
    fault_case "sysenter with SYSENTER_CS=0 at CPL 3: ", p_sysenter
    exit 0

put_if:                                 ; EAX = EFLAGS image: print IF
    shr eax, 9
    and eax, 1
    jmp put_dec

; ---- ring 3 ----
prog:
    push ebp
    mov eax, 1
    mov ebx, 40
    mov esi, 2
    mov ecx, esp
    mov edx, .back
    sysenter
    int3                                ; not reached: SYSEXIT goes to EDX
.back:
    mov [u_eax], eax
    mov [u_esp], esp
    mov [u_cs], cs
    mov [u_ss], ss
    pushfd
    pop dword [u_flags]
    mov eax, 2
    mov ebx, 40
    mov esi, 3
    mov ecx, esp
    mov edx, .back2
    sysenter
    int3
.back2:
    mov [u_eax2], eax
    pushfd
    pop dword [u_flags2]
    xor ebx, ebx
    mov edi, 1000
.loop:
    mov eax, 1
    mov esi, 1
    mov ecx, esp
    mov edx, .loop_back
    sysenter
    int3
.loop_back:
    mov ebx, eax
    dec edi
    jnz .loop
    mov [u_sum], ebx
    pop ebp
    int R3_EXIT

p_sysexit:
    sysexit
p_sysenter:
    sysenter

; ---- ring 0: SYSENTER lands here ----
se_entry:
    cmp byte [ss:k_seen], 0
    jne .call
    mov byte [ss:k_seen], 1
    mov [ss:k_esp], esp
    mov [ss:k_cs], cs
    mov [ss:k_ss], ss
    mov [ss:k_ds], ds
    mov [ss:k_ebx], ebx
    mov [ss:k_esi], esi
    pushfd
    pop dword [ss:k_flags]
.call:
    cmp eax, 2
    lea eax, [ebx + esi]
    jne .exit
    sti
.exit:
    sysexit

section .bss
alignb 16
            resb 256
se_stack_top:
alignb 4
k_seen:     resd 1
k_esp:      resd 1
k_cs:       resd 1
k_ss:       resd 1
k_ds:       resd 1
k_ebx:      resd 1
k_esi:      resd 1
k_flags:    resd 1
u_eax:      resd 1
u_esp:      resd 1
u_cs:       resd 1
u_ss:       resd 1
u_flags:    resd 1
u_eax2:     resd 1
u_flags2:   resd 1
u_sum:      resd 1
