; ring3_iopl_iobitmap: I/O and interrupt-flag instructions at CPL 3 (no
; paging). The TSS has an I/O permission bitmap for ports 0-0x3ff (map base
; 0x68, limit 0xe8: 128 bytes and a byte of ones), all bits set (denied)
; unless a case clears one. Port 0x3ff is COM1's scratch register, which
; reads back what was written; 0x3fe is COM1's modem status register.
;
; Why the values are right (SDM vol. 1, 19.5 and 19.5.2; vol. 2, CLI, STI,
; POPF): IN/OUT at CPL 3 are allowed when CPL <= IOPL, whatever the bitmap.
; With IOPL < CPL the CPU reads the bitmap: the access is allowed only if
; the bit of every port it touches is 0 (a word at 0x3fe checks 0x3fe and
; 0x3ff), and a bit beyond the TSS limit (port 0x8000) counts as set. A
; denied access is #GP(0), a fault: the OUT does not reach the device and
; the IN leaves AL as it was. CLI and STI need CPL <= IOPL (no VME/PVI here)
; or give #GP(0). POPF at CPL 3 never faults: it changes IF only when CPL <=
; IOPL, never changes IOPL (CPL > 0), and loads the other flags (CF PF ZF SF
; from the image 0x30c5 here). EFLAGS bit 1 always reads 1.
; expect-exit: 1
; expect: iopl=3, bitmap denies 3ff: out/in 3ff: exit al=5a
; expect: iopl=0, bitmap allows 3ff: out/in 3ff: exit al=a5
; expect: iopl=0, bitmap denies 3ff: out 3ff: #0d err=00000000 eip=site+0, port 3ff still a5
; expect: iopl=0, bitmap denies 3ff: in 3ff: #0d err=00000000 eip=site+0 al=77
; expect: iopl=0, allows 3ff, denies 3fe: in ax, 3fe: #0d err=00000000 eip=site+0
; expect: iopl=0, port 8000 beyond the TSS limit: #0d err=00000000 eip=site+0
; expect: iopl=0: cli: #0d err=00000000 eip=site+0
; expect: iopl=0: sti: #0d err=00000000 eip=site+0
; expect: iopl=3: cli, sti: exit if after cli=0 after sti=1
; expect: iopl=0 if=1: popf 000030c5: exit eflags=000002c7
; expect: iopl=0 if=0: popf 00000200: exit eflags=00000002
; expect: iopl=3 if=1: popf 000000c5: exit eflags=000030c7

%include "guest.inc"
%include "idt.inc"
%include "rings.inc"

SCRATCH equ 0x3FF

; case text, entry, eflags, site
%macro case 4
    RING3 %2, %3
    print %1
    r3_report %4
%endmacro

main:
    call setup_rings

    mov dx, SCRATCH
    mov al, 0x5A
    case "iopl=3, bitmap denies 3ff: out/in 3ff: ", p_io, 0x3202, 0
    call show_al

    mov eax, SCRATCH
    call allow_port
    mov dx, SCRATCH
    mov al, 0xA5
    case "iopl=0, bitmap allows 3ff: out/in 3ff: ", p_io, 0x0202, 0
    call show_al

    mov eax, SCRATCH
    call deny_port
    mov dx, SCRATCH
    mov al, 0x11
    case "iopl=0, bitmap denies 3ff: out 3ff: ", p_out, 0x0202, p_out
    print ", port 3ff still "
    mov dx, SCRATCH
    in al, dx
    print_hex8 al
    call newline

    mov dx, SCRATCH
    mov al, 0x77
    case "iopl=0, bitmap denies 3ff: in 3ff: ", p_in, 0x0202, p_in
    call show_al

    mov eax, SCRATCH
    call allow_port
    mov dx, SCRATCH - 1
    case "iopl=0, allows 3ff, denies 3fe: in ax, 3fe: ", p_inw, 0x0202, p_inw
    call newline

    mov dx, 0x8000
    case "iopl=0, port 8000 beyond the TSS limit: ", p_in, 0x0202, p_in
    call newline

    case "iopl=0: cli: ", p_cli, 0x0202, p_cli
    call newline
    case "iopl=0: sti: ", p_sti, 0x0002, p_sti
    call newline

    case "iopl=3: cli, sti: ", p_cli_sti, 0x3202, 0
    print " if after cli="
    mov eax, [r3_ebx]
    call put_if
    print " after sti="
    mov eax, [r3_ecx]
    call put_if
    call newline

    mov esi, 0x000030C5
    case "iopl=0 if=1: popf 000030c5: ", p_popf, 0x0202, 0
    call show_eflags
    mov esi, 0x00000200
    case "iopl=0 if=0: popf 00000200: ", p_popf, 0x0002, 0
    call show_eflags
    mov esi, 0x000000C5
    case "iopl=3 if=1: popf 000000c5: ", p_popf, 0x3202, 0
    call show_eflags
    exit 0

show_al:
    print " al="
    print_hex8 [r3_eax]
    jmp newline

show_eflags:
    print " eflags="
    print_hex32 [r3_eax]
    jmp newline

put_if:                                 ; EAX = EFLAGS image: print IF
    shr eax, 9
    and eax, 1
    jmp put_dec

; allow_port / deny_port: EAX = port (< 0x400): clear / set its bitmap bit.
allow_port:
    btr [rtss + IOMAP_OFF], eax
    ret
deny_port:
    bts [rtss + IOMAP_OFF], eax
    ret

; ---- ring 3 ----
p_io:                                   ; DX = port, AL = value
    out dx, al
    mov al, 0
    in al, dx
    int R3_EXIT
p_out:
    out dx, al
    int R3_EXIT
p_in:
    in al, dx
    int R3_EXIT
p_inw:
    in ax, dx
    int R3_EXIT
p_cli:
    cli
    int R3_EXIT
p_sti:
    sti
    int R3_EXIT
p_cli_sti:
    cli
    pushfd
    pop ebx
    sti
    pushfd
    pop ecx
    int R3_EXIT
p_popf:                                 ; ESI = EFLAGS image
    push esi
    popfd
    pushfd
    pop eax
    int R3_EXIT
