; sens_mov_dr: MOV to and from DR0-DR3 (any 32-bit value), DR6 and DR7 at
; CPL 0 with CR4.DE=0. DR6 reads its reserved bits as the SDM gives them
; (31:16 and 11:4 set), whatever is written; DR7 reads bit 10 as 1. The
; breakpoint enable bits of DR7 stay 0 here (no breakpoint is armed). With
; CR4.DE=0, DR4 and DR5 alias DR6 and DR7; with CR4.DE=1 they are #UD.
; (DR6 bit 12 is not written with 1: the SDM reserves it as 0, QEMU 7.2
; keeps what was written.)
; expect-exit: 1
; expect: dr0=11111111 dr1=22222222 dr2=33333333 dr3=fffffffc
; expect: dr6 initial=ffff0ff0 dr7 initial=00000400
; expect: dr6 <- 00000000: ffff0ff0
; expect: dr6 <- 0000e00f: ffffefff
; expect: dr6 <- ffff0ff0: ffff0ff0
; expect: dr7 <- 00000000: 00000400
; expect: dr7 <- ffff0300: ffff0700
; expect: dr4 -> (dr6): ffff0ff0 dr5 -> (dr7): ffff0700
; expect: dr4 <- 0 with DE=0: dr6=ffff0ff0
; expect: mov eax, dr4 with DE=1: #06 eip=site+0
; expect: mov dr5, eax with DE=1: #06 eip=site+0

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro dr_rt 2                          ; register, value
    mov eax, %2
    mov %1, eax
    mov ebx, %1
    print %str(%1)
    print " <- "
    print_hex32 eax
    print ": "
    print_hex32 ebx
    call newline
%endmacro

main:
    call install_traps

    mov eax, 0x11111111
    mov dr0, eax
    mov ebx, 0x22222222
    mov dr1, ebx
    mov ecx, 0x33333333
    mov dr2, ecx
    mov edx, 0xFFFFFFFC
    mov dr3, edx
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    mov esi, dr0
    mov edi, dr1
    mov ebp, dr2
    mov eax, dr3
    print "dr0="
    print_hex32 esi
    print " dr1="
    print_hex32 edi
    print " dr2="
    print_hex32 ebp
    print " dr3="
    print_hex32 eax
    call newline

    mov eax, dr6
    mov ebx, dr7
    print "dr6 initial="
    print_hex32 eax
    print " dr7 initial="
    print_hex32 ebx
    call newline

    dr_rt dr6, 0x00000000
    dr_rt dr6, 0x0000E00F
    dr_rt dr6, 0xFFFF0FF0
    dr_rt dr7, 0x00000000
    dr_rt dr7, 0xFFFF0300

    db 0x0F, 0x21, 0xE0                 ; mov eax, dr4
    db 0x0F, 0x21, 0xEB                 ; mov ebx, dr5
    print "dr4 -> (dr6): "
    print_hex32 eax
    print " dr5 -> (dr7): "
    print_hex32 ebx
    call newline
    xor eax, eax
    db 0x0F, 0x23, 0xE0                 ; mov dr4, eax
    mov eax, dr6
    print "dr4 <- 0 with DE=0: dr6="
    print_hex32 eax
    call newline

    mov eax, cr4
    or eax, 1 << 3
    mov cr4, eax
    TRY .r1
.s1: db 0x0F, 0x21, 0xE0                ; mov eax, dr4
.r1:
    print "mov eax, dr4 with DE=1: "
    report_trap .s1
    TRY .r2
.s2: db 0x0F, 0x23, 0xE8                ; mov dr5, eax
.r2:
    print "mov dr5, eax with DE=1: "
    report_trap .s2
    mov eax, cr4
    and eax, ~(1 << 3)
    mov cr4, eax
    exit 0
