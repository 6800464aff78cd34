; sens_msr: RDMSR/WRMSR at CPL 0: SYSENTER_CS/ESP/EIP (0x174-0x176) keep
; what is written; a read gives EDX:EAX = 0:value. Two more SDM rules are not
; checked here because QEMU 7.2's TCG breaks them: a write to
; IA32_TIME_STAMP_COUNTER (0x10) moves the counter that RDMSR 0x10 and RDTSC
; read (QEMU: RDMSR 0x10 reads 0 and RDTSC ignores the write), and an MSR
; the CPU lacks gives #GP(0) (QEMU ignores the write and reads 0). Both are
; in manual/sdm_only.asm, for bt86 alone.
; expect-exit: 1
; expect: sysenter_cs=00000000:00000008 esp=00000000:c0ffee00 eip=00000000:00401234

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"


main:
    call install_traps

    mov ecx, 0x174
    mov eax, XCS
    xor edx, edx
    wrmsr
    inc ecx
    mov eax, 0xC0FFEE00
    wrmsr
    inc ecx
    mov eax, 0x00401234
    wrmsr
    mov edx, 0x55555555
    mov ecx, 0x174
    rdmsr
    print "sysenter_cs="
    print_hex32 edx
    print ":"
    print_hex32 eax
    inc ecx
    mov edx, 0x55555555
    rdmsr
    print " esp="
    print_hex32 edx
    print ":"
    print_hex32 eax
    inc ecx
    mov edx, 0x55555555
    rdmsr
    print " eip="
    print_hex32 edx
    print ":"
    print_hex32 eax
    call newline
    exit 0

XCS equ 8

