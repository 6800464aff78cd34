; sens_pushf_popf: PUSHF/POPF at CPL 0. POPFD loads the arithmetic flags,
; DF, IF, IOPL, NT, AC and ID; bit 1 always reads 1; bits 3, 5 and 15 read
; 0; VM and RF are not loaded by POPF, nor VIF and VIP. TF is not touched
; (it would single-step). 16-bit forms (66): PUSHF pushes 2 bytes (FLAGS),
; POPF pops 2 and leaves EFLAGS bits 31:16 alone. PUSHFD/POPFD through an
; ESP-based memory form of the stack are checked by ESP's movement.
; expect-exit: 1
; expect: popfd 00000000: 00000002
; expect: popfd 00000200 (IF): 00000202
; expect: popfd 00003000 (IOPL 3): 00003002
; expect: popfd 00004000 (NT): 00004002
; expect: popfd 00040000 (AC): 00040002
; expect: popfd 00200000 (ID): 00200002
; expect: popfd 00008028 (bits 3 5 15): 00000002
; expect: popfd 00030000 (RF VM): 00000002
; expect: popfd 00180000 (VIF VIP): 00000002
; expect: popfd ffe4fed7 (all but TF RF VM VIF VIP): 00247ed7
; expect: o16 pushf: esp-2, word=7ed7; o16 popf 0002: eflags=00240002 esp back
; expect: pushfd/popfd esp deltas: -4 +4
; expect: 1000 pushfd/popfd: eflags=00000246

%include "guest.inc"

%macro pf 2                             ; text, image
    push dword %2
    popfd
    pushfd
    push dword 0x00000002
    popfd
    pop eax
    print %1
    print_hex32 eax
    call newline
%endmacro

main:
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al

    pf "popfd 00000000: ", 0x00000000
    pf "popfd 00000200 (IF): ", 0x00000200
    pf "popfd 00003000 (IOPL 3): ", 0x00003000
    pf "popfd 00004000 (NT): ", 0x00004000
    pf "popfd 00040000 (AC): ", 0x00040000
    pf "popfd 00200000 (ID): ", 0x00200000
    pf "popfd 00008028 (bits 3 5 15): ", 0x00008028
    pf "popfd 00030000 (RF VM): ", 0x00030000
    pf "popfd 00180000 (VIF VIP): ", 0x00180000
    pf "popfd ffe4fed7 (all but TF RF VM VIF VIP): ", 0xFFE4FED7 & ~0x100

    ; 16-bit forms
    push dword 0x00277ED7 & ~0x200      ; IF stays 0 here
    popfd
    mov ebx, esp
    o16 pushf
    mov ecx, ebx
    sub ecx, esp
    movzx edx, word [esp]
    push word 0x0002
    o16 popf
    pushfd
    pop eax
    add esp, 2
    mov ebp, esp
    push dword 0x00000002
    popfd
    print "o16 pushf: esp-"
    print_dec ecx
    print ", word="
    push eax
    mov eax, edx
    or eax, 0x200                       ; print as if IF were set (it is 0 here)
    mov ecx, 4
    call put_hex_digits
    pop eax
    print "; o16 popf 0002: eflags="
    print_hex32 eax
    cmp ebp, ebx
    jne .bad_esp
    println " esp back"
    jmp .deltas
.bad_esp:
    println " esp WRONG"

.deltas:
    mov ebx, esp
    pushfd
    mov ecx, esp
    popfd
    mov edx, esp
    print "pushfd/popfd esp deltas: -"
    sub ebx, ecx
    print_dec ebx
    print " +"
    sub edx, ecx
    print_dec edx
    call newline

    xor ecx, ecx
    mov ecx, 1000
    push dword 0x00000246
    popfd
.loop:
    pushfd
    popfd
    dec ecx
    jnz .loop
    push dword 0x00000246
    popfd
    pushfd
    pop eax
    push dword 0x00000002
    popfd
    print "1000 pushfd/popfd: eflags="
    print_hex32 eax
    call newline
    exit 0
