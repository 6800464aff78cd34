; sens_mov_cr: MOV to and from CR0, CR2, CR3 and CR4 at CPL 0. CR0 round
; trips MP EM TS NE WP AM CD NW (ET is forced to 1, PE stays 1, PG stays 0);
; CR2 and CR3 keep any value with paging off; CR4 round trips each of TSD DE
; PSE PGE PCE OSFXSR OSXMMEXCPT (the bits both QEMU's qemu32 and bt86's CPU
; accept). Every general register can be the source and the destination.
; MOV CR1 is #UD.
; expect-exit: 1
; expect: cr0 <- 0000002f: 0000003f
; expect: cr0 <- 00050031: 00050031
; expect: cr0 <- 60000011: 60000011
; expect: cr0 <- 00000011: 00000011
; expect: cr2 <- deadbeef via ebp: deadbeef, via esi: 12345678
; expect: cr3 <- 00123018: 00123018, <- fffff000: fffff000
; expect: cr4 bits: 00000004 00000008 00000010 00000080 00000100 00000200 00000400
; expect: cr4 all: 0000079c then 00000000
; expect: mov eax, cr1: #06 eip=site+0

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro cr0_rt 1
    mov edx, %1
    mov cr0, edx
    mov ebx, cr0
    print "cr0 <- "
    print_hex32 edx
    print ": "
    print_hex32 ebx
    call newline
%endmacro

main:
    call install_traps

    cr0_rt 0x0000002F
    cr0_rt 0x00050031
    cr0_rt 0x60000011
    cr0_rt 0x00000011

    mov ebp, 0xDEADBEEF
    mov cr2, ebp
    mov edi, cr2
    print "cr2 <- deadbeef via ebp: "
    print_hex32 edi
    mov esi, 0x12345678
    mov cr2, esi
    mov ecx, cr2
    print ", via esi: "
    print_hex32 ecx
    call newline

    mov eax, 0x00123018
    mov cr3, eax
    mov edx, cr3
    print "cr3 <- 00123018: "
    print_hex32 edx
    mov edx, 0xFFFFF000
    mov cr3, edx
    mov eax, cr3
    print ", <- fffff000: "
    print_hex32 eax
    call newline
    xor eax, eax
    mov cr3, eax

    print "cr4 bits:"
    mov esi, cr4_bits
.bit:
    lodsd
    test eax, eax
    jz .bits_done
    mov cr4, eax
    mov ebx, cr4
    print " "
    print_hex32 ebx
    jmp .bit
.bits_done:
    call newline
    mov eax, 0x79C
    mov cr4, eax
    mov ecx, cr4
    xor edx, edx
    mov cr4, edx
    mov edx, cr4
    print "cr4 all: "
    print_hex32 ecx
    print " then "
    print_hex32 edx
    call newline

    TRY .r
.s: db 0x0F, 0x20, 0xC8                 ; mov eax, cr1
.r:
    print "mov eax, cr1: "
    report_trap .s
    exit 0

section .data
cr4_bits: dd 1 << 2, 1 << 3, 1 << 4, 1 << 7, 1 << 8, 1 << 9, 1 << 10, 0
