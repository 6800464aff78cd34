; sens_lmsw_smsw_clts: LMSW loads CR0 bits 3:0 (PE MP EM TS) from its 16-bit
; source; bits 15:4 of the source are ignored and LMSW cannot clear PE.
; SMSW stores CR0 bits 15:0: to a 16-bit register, to memory (16 bits
; written, the next bytes untouched), and to a 32-bit register (only its low
; 16 bits are printed: the SDM leaves the top half undefined). CLTS clears
; CR0.TS and nothing else. MOV from CR0 shows the full register.
; expect-exit: 1
; expect: initial PE=1 PG=0
; expect: lmsw 000e: cr0=0005003f smsw=003f
; expect: lmsw 0000 (PE kept): cr0=00050031 smsw=0031
; expect: lmsw fff8 (high bits ignored): cr0=00050039
; expect: clts: cr0=00050031
; expect: lmsw from memory 0006: cr0=00050037
; expect: clts with TS=0: cr0=00050037
; expect: smsw [mem]: 0037 eeee
; expect: smsw eax low 16: 0037 smsw ax: 12340037

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro show_cr0 1
    print %1
    mov eax, cr0
    print_hex32 eax
%endmacro

main:
    call install_traps
    mov eax, cr0
    print "initial PE="
    mov ebx, eax
    and ebx, 1
    print_dec ebx
    print " PG="
    shr eax, 31
    print_dec eax
    call newline

    mov eax, 0x00050031                 ; PE ET NE WP AM
    mov cr0, eax
    mov ax, 0x000E
    lmsw ax
    show_cr0 "lmsw 000e: cr0="
    smsw ax
    print " smsw="
    print_hex16 ax
    call newline

    xor eax, eax
    lmsw ax
    show_cr0 "lmsw 0000 (PE kept): cr0="
    smsw ax
    print " smsw="
    print_hex16 ax
    call newline

    mov ax, 0xFFF8
    lmsw ax
    show_cr0 "lmsw fff8 (high bits ignored): cr0="
    call newline

    clts
    show_cr0 "clts: cr0="
    call newline

    lmsw [msw6]
    show_cr0 "lmsw from memory 0006: cr0="
    call newline
    clts
    show_cr0 "clts with TS=0: cr0="
    call newline

    mov dword [mem], 0xEEEEEEEE
    smsw [mem]
    print "smsw [mem]: "
    print_hex16 [mem]
    print " "
    print_hex16 [mem + 2]
    call newline

    smsw eax
    print "smsw eax low 16: "
    print_hex16 ax
    mov eax, 0x12340000
    smsw ax
    print " smsw ax: "
    print_hex32 eax
    call newline

    mov eax, cr0
    and eax, ~0xE
    mov cr0, eax
    exit 0

section .data
msw6:   dw 0x0006
mem:    dd 0
