; sens_cli_sti: CLI and STI at CPL 0 change only EFLAGS.IF (bit 9), as
; PUSHFD shows; the arithmetic flags and DF pass through both. The PIC is
; masked so that IF=1 lets nothing in. A loop alternating them runs
; translated.
; expect-exit: 1
; expect: after cli: IF=0
; expect: after sti: IF=1
; expect: after cli: IF=0
; expect: flags through cli: 00000cd5
; expect: flags through sti: 00000ed5
; expect: 1000 cli/sti pairs: IF=1

%include "guest.inc"

IF_BIT equ 1 << 9

%macro show_if 1
    pushfd
    pop eax
    and eax, IF_BIT
    shr eax, 9
    print %1
    call put_dec
    call newline
%endmacro

main:
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al

    cli
    show_if "after cli: IF="
    sti
    show_if "after sti: IF="
    cli
    show_if "after cli: IF="

    ; all six arithmetic flags, DF and OF set, then CLI: they survive
    push dword 0x0CD7                   ; OF DF SF ZF AF PF CF, IF=0
    popfd
    cli
    pushfd
    cld
    print "flags through cli: "
    pop eax
    and eax, 0xFFFF & ~0x0002 & ~0x3000 ; drop bit 1 and IOPL
    print_hex32 eax
    call newline

    push dword 0x0CD7
    popfd
    sti
    pushfd
    cld
    cli
    print "flags through sti: "
    pop eax
    and eax, 0xFFFF & ~0x0002 & ~0x3000
    print_hex32 eax
    call newline

    mov ecx, 1000
.loop:
    cli
    sti
    loop .loop
    show_if "1000 cli/sti pairs: IF="
    cli
    exit 0
