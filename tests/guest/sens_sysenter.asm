; sens_sysenter: SYSENTER at CPL 0 (the Sysenter row). With SYSENTER_CS = 0
; it raises #GP(0). With SYSENTER_CS/ESP/EIP set it loads CS = SYSENTER_CS,
; SS = SYSENTER_CS + 8 (flat segments, whatever the GDT holds), ESP and EIP
; from the MSRs, and clears IF (and VM, RF); other registers pass through.
; QEMU's qemu32 CPU reports SEP in CPUID leaf 1 EDX bit 11; the SEP bit
; itself is not printed (bt86's modeled CPU may differ there), only what
; SYSENTER does.
; expect-exit: 1
; expect: sysenter with SYSENTER_CS=0: #0d err=00000000 eip=site+0
; expect: sysenter: cs=0008 ss=0010 esp=stack+0 eip=target IF=0 ebx=bbbbbbbb
; expect: back: cs=0008 IF=0

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

main:
    call install_traps
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al

    mov ecx, 0x174
    xor eax, eax
    xor edx, edx
    wrmsr
    TRY .r
.s: sysenter
.r:
    print "sysenter with SYSENTER_CS=0: "
    report_trap .s

    mov ecx, 0x174
    mov eax, CODE_SEL
    xor edx, edx
    wrmsr
    inc ecx
    mov eax, sysenter_stack_top
    wrmsr
    inc ecx
    mov eax, target
    wrmsr
    mov [old_esp], esp
    mov ebx, 0xBBBBBBBB
    sti
    sysenter
    println "fell through SYSENTER"
    exit 0x7D

target:
    mov ax, cs
    mov [t_cs], ax
    mov ax, ss
    mov [t_ss], ax
    mov [t_esp], esp
    pushfd
    pop dword [t_flags]
    mov esp, [old_esp]
    print "sysenter: cs="
    print_hex16 [t_cs]
    print " ss="
    print_hex16 [t_ss]
    print " esp=stack+"
    mov eax, [t_esp]
    sub eax, sysenter_stack_top
    call put_dec
    print " eip=target IF="
    mov eax, [t_flags]
    shr eax, 9
    and eax, 1
    call put_dec
    print " ebx="
    print_hex32 ebx
    call newline
    mov ax, cs
    pushfd
    pop ecx
    shr ecx, 9
    and ecx, 1
    print "back: cs="
    print_hex16 ax
    print " IF="
    print_dec ecx
    call newline
    exit 0

section .bss
alignb 16
            resb 256
sysenter_stack_top:
old_esp:    resd 1
t_cs:       resd 1
t_ss:       resd 1
t_esp:      resd 1
t_flags:    resd 1
