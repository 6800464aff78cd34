; sens_ins_outs: INS and OUTS at CPL 0 on COM1's scratch register (0x3FF,
; byte), on 0x3FE (word: MSR, then SCR) and 0x3FC (dword: MCR LSR MSR SCR):
; REP with DF=0 and DF=1, ECX=0 (nothing happens), REPNE (same as REP: INS
; and OUTS ignore ZF), no prefix (one element, ECX untouched), and the
; 16-bit address-size forms (67: SI/DI/CX only, the upper halves kept). The
; scratch register ends up holding the last byte written.
; expect-exit: 1
; expect: rep outsb x8: scr=48 esi=buf+8 ecx=00000000
; expect: std rep outsb x3: scr=46 esi=buf+4 ecx=00000000
; expect: rep outsb ecx=0: scr=46 esi=buf+0 ecx=00000000
; expect: rep insb x4: 5a 5a 5a 5a ee edi=in+4 ecx=00000000
; expect: std rep insb x2: ee ee 5a 5a edi=in+13
; expect: repne insb x3: 5a 5a 5a ee edi=in+3 ecx=00000000
; expect: insb: 5a ee edi=in+1 ecx=00000007
; expect: rep insw x2 at 0x3fe: 5ab0 5ab0 eeee edi=in+4
; expect: rep outsw x2 at 0x3fe: scr=22 esi=buf+4
; expect: rep insd at 0x3fc: 5ab06000 eeeeeeee edi=in+4
; expect: rep outsd at 0x3fc: scr=77 mcr=00
; expect: a16 rep outsb x3: scr=33 esi=12346003 ecx=abcd0000
; expect: a16 rep insb x2: 33 33 ee edi=98767002 ecx=ffff0000
; expect: flags kept: 00000cd5

%include "guest.inc"

print_hex16_fn:
    push ecx
    mov ecx, 4
    call put_hex_digits
    pop ecx
    ret

%macro print_hex16 1
    push eax
    movzx eax, word %1
    call print_hex16_fn
    pop eax
%endmacro


%macro off 3                            ; text, register, base
    print %1
    mov eax, %2
    sub eax, %3
    call put_dec
%endmacro

%macro fill_in 0
    mov dword [in_buf], 0xEEEEEEEE
    mov dword [in_buf + 4], 0xEEEEEEEE
    mov dword [in_buf + 8], 0xEEEEEEEE
    mov dword [in_buf + 12], 0xEEEEEEEE
%endmacro

%macro scr 0
    push edx
    mov dx, 0x3FF
    in al, dx
    pop edx
    print "scr="
    print_hex8 al
%endmacro

%macro bytes 2
%assign i %1
%rep %2
    print " "
    print_hex8 [in_buf + i]
%assign i i + 1
%endrep
%endmacro

main:
    mov dx, 0x3FC
    mov al, 0
    out dx, al                          ; MCR = 0

    mov dx, 0x3FF
    mov esi, out_buf
    mov ecx, 8
    rep outsb
    print "rep outsb x8: "
    scr
    off " esi=buf+", esi, out_buf
    print " ecx="
    print_hex32 ecx
    call newline

    mov esi, out_buf + 7
    mov ecx, 3
    std
    rep outsb
    cld
    print "std rep outsb x3: "
    scr
    off " esi=buf+", esi, out_buf
    print " ecx="
    print_hex32 ecx
    call newline

    mov esi, out_buf
    xor ecx, ecx
    rep outsb
    print "rep outsb ecx=0: "
    scr
    off " esi=buf+", esi, out_buf
    print " ecx="
    print_hex32 ecx
    call newline

    mov al, 0x5A
    out dx, al
    fill_in
    mov edi, in_buf
    mov ecx, 4
    rep insb
    print "rep insb x4:"
    bytes 0, 5
    off " edi=in+", edi, in_buf
    print " ecx="
    print_hex32 ecx
    call newline

    fill_in
    mov edi, in_buf + 15
    mov ecx, 2
    std
    rep insb
    cld
    print "std rep insb x2:"
    bytes 12, 4
    off " edi=in+", edi, in_buf
    call newline

    fill_in
    mov edi, in_buf
    mov ecx, 3
    xor eax, eax
    inc eax                             ; ZF=0
    repne insb
    print "repne insb x3:"
    bytes 0, 4
    off " edi=in+", edi, in_buf
    print " ecx="
    print_hex32 ecx
    call newline

    fill_in
    mov edi, in_buf
    mov ecx, 7
    insb
    print "insb:"
    bytes 0, 2
    off " edi=in+", edi, in_buf
    print " ecx="
    print_hex32 ecx
    call newline

    fill_in
    mov dx, 0x3FE
    mov edi, in_buf
    mov ecx, 2
    rep insw
    print "rep insw x2 at 0x3fe: "
    print_hex16 [in_buf]
    print " "
    print_hex16 [in_buf + 2]
    print " "
    print_hex16 [in_buf + 4]
    off " edi=in+", edi, in_buf
    call newline

    mov esi, words
    mov ecx, 2
    rep outsw
    print "rep outsw x2 at 0x3fe: "
    scr
    off " esi=buf+", esi, words
    call newline

    fill_in
    mov dx, 0x3FC
    mov al, 0x5A
    push edx
    mov dx, 0x3FF
    out dx, al
    pop edx
    mov edi, in_buf
    mov ecx, 1
    rep insd
    print "rep insd at 0x3fc: "
    print_hex32s [in_buf], [in_buf + 4]
    off " edi=in+", edi, in_buf
    call newline

    mov esi, dword_out
    mov ecx, 1
    rep outsd
    print "rep outsd at 0x3fc: "
    scr
    print " mcr="
    in al, dx
    print_hex8 al
    call newline

    ; 16-bit addressing: SI/DI/CX, the upper halves untouched
    mov dword [0x6000], 0x44332211
    mov dx, 0x3FF
    mov esi, 0x12346000
    mov ecx, 0xABCD0003
    a16 rep outsb
    print "a16 rep outsb x3: "
    scr
    print " esi="
    print_hex32 esi
    print " ecx="
    print_hex32 ecx
    call newline

    mov dword [0x7000], 0xEEEEEEEE
    mov edi, 0x98767000
    mov ecx, 0xFFFF0002
    a16 rep insb
    print "a16 rep insb x2: "
    print_hex8 [0x7000]
    print " "
    print_hex8 [0x7001]
    print " "
    print_hex8 [0x7002]
    print " edi="
    print_hex32 edi
    print " ecx="
    print_hex32 ecx
    call newline

    push dword 0x0CD7
    popfd
    mov esi, out_buf
    mov ecx, 2
    rep outsb
    pushfd
    cld
    pop eax
    and eax, 0xFFFF & ~0x3202
    print "flags kept: "
    print_hex32 eax
    call newline
    exit 0

section .data
out_buf:    db "ABCDEFGH"
words:      dw 0x1100, 0x2200
dword_out:  dd 0x77000000

section .bss
in_buf:     resb 16
