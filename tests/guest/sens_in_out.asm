; sens_in_out: IN and OUT at CPL 0 in every size, in the DX and imm8 forms.
; COM1's scratch register (0x3FF) reads back what was written. A wider
; access covers consecutive ports: a 16-bit OUT at 0x3FE writes the modem
; status register (ignored) and the scratch register; a 32-bit access at
; 0x3FC covers MCR, LSR, MSR and SCR. (A 16- or 32-bit access at 0x3FF itself
; would reach past COM1's 8 ports, which aborts QEMU 7.2, so it is not
; tested.) The imm8 forms: IN from isa-debug-exit (0xF4) reads 0 in every
; size, OUT to the POST port (0x80) in every size continues. Unclaimed
; ports (0x2E0) read all ones. Only the destination register changes.
; expect-exit: 1
; expect: out dx, al 5a / in al, dx: eax=1234565a
; expect: out 0x3fe, ax a500: in al, 0x3ff=a5  in ax, 0x3fe: eax=1234a5b0
; expect: in eax, 0x3fc: scr=a5 msr=b0 lsr=60
; expect: out 0x3fc, eax 3c000003: in eax=3cb06003
; expect: in al/ax/eax, 0xf4: 12345600 12340000 00000000
; expect: out 0x80, al/ax/eax: continued
; expect: in al/ax/eax, dx=0x2e0: 000000ff 0000ffff ffffffff
; expect: ebx=bbbbbbbb ecx=cccccccc esi=51515151 edi=d1d1d1d1

%include "guest.inc"

main:
    mov ebx, 0xBBBBBBBB
    mov ecx, 0xCCCCCCCC
    mov esi, 0x51515151
    mov edi, 0xD1D1D1D1

    mov dx, 0x3FF
    mov al, 0x5A
    out dx, al
    mov eax, 0x12345600
    in al, dx
    print "out dx, al 5a / in al, dx: eax="
    print_hex32 eax
    call newline

    mov dx, 0x3FE
    mov ax, 0xA500
    out dx, ax
    mov dx, 0x3FF
    xor eax, eax
    in al, dx
    print "out 0x3fe, ax a500: in al, 0x3ff="
    print_hex8 al
    mov dx, 0x3FE
    mov eax, 0x12340000
    in ax, dx
    print "  in ax, 0x3fe: eax="
    print_hex32 eax
    call newline

    mov dx, 0x3FC
    in eax, dx
    mov ebp, eax
    print "in eax, 0x3fc: scr="
    shr eax, 24
    print_hex8 al
    print " msr="
    mov eax, ebp
    shr eax, 16
    print_hex8 al
    print " lsr="
    mov eax, ebp
    print_hex8 ah
    call newline

    mov eax, 0x3C000003                 ; MCR = DTR|RTS, SCR = 0x3c
    out dx, eax
    xor eax, eax
    in eax, dx
    print "out 0x3fc, eax 3c000003: in eax="
    print_hex32 eax
    call newline
    mov al, 0
    out dx, al                          ; MCR back to 0

    print "in al/ax/eax, 0xf4: "
    mov eax, 0x12345678
    in al, 0xF4
    print_hex32 eax
    print " "
    mov eax, 0x12345678
    in ax, 0xF4
    print_hex32 eax
    print " "
    mov eax, 0x12345678
    in eax, 0xF4
    print_hex32 eax
    call newline

    mov eax, 0x11223344
    out 0x80, al
    out 0x80, ax
    out 0x80, eax
    println "out 0x80, al/ax/eax: continued"

    mov dx, 0x2E0
    xor eax, eax
    in al, dx
    print "in al/ax/eax, dx=0x2e0: "
    print_hex32 eax
    xor eax, eax
    in ax, dx
    print " "
    print_hex32 eax
    xor eax, eax
    in eax, dx
    print " "
    print_hex32 eax
    call newline

    print "ebx="
    print_hex32 ebx
    print " ecx="
    print_hex32 ecx
    print " esi="
    print_hex32 esi
    print " edi="
    print_hex32 edi
    call newline
    exit 0
