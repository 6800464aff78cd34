; sens_lar_lsl: LAR and LSL at CPL 0 through the guest's GDT and LDT. A
; valid selector sets ZF and loads the access rights (descriptor dword 1 &
; 0x00F0FF00) or the byte-granular limit (scaled when G=1). The printed
; access rights leave out the accessed bit (QEMU sets it on data segment
; loads but not on CS loads; the SDM sets it on both; sens_mov_seg checks
; it for data), and for the call gate everything but the type byte (the
; rest is the gate's offset, a link address); an invalid one
; clears ZF and leaves the destination unchanged (0xEEEEEEEE). Valid: code,
; data, conforming, execute-only, DPL 3 data, 16/32-bit TSS, LDT, call gate
; (LAR only), LDT entries. Invalid: null, beyond the GDT limit, interrupt
; gate, reserved type 8, call gate for LSL, a DPL 0 data segment with RPL 3
; (DPL < RPL), an LDT selector past the LDT limit. A conforming segment with
; RPL 3 stays valid. 16-bit forms and memory sources too.
; expect-exit: 1
; expect: sel 0008: lar ZF=1 00c09a00 lsl ZF=1 ffffffff
; expect: sel 0010: lar ZF=1 00c09200 lsl ZF=1 ffffffff
; expect: sel 0018: lar ZF=1 00c09e00 lsl ZF=1 ffffffff
; expect: sel 0020: lar ZF=1 00c09800 lsl ZF=1 ffffffff
; expect: sel 0050: lar ZF=1 00c0f200 lsl ZF=1 ffffffff
; expect: sel 0060: lar ZF=1 00409200 lsl ZF=1 00012345
; expect: sel 0068: lar ZF=1 00c09200 lsl ZF=1 00012fff
; expect: sel 0040: lar ZF=1 00008900 lsl ZF=1 00000067
; expect: sel 0088: lar ZF=1 00008100 lsl ZF=1 0000002b
; expect: sel 0038: lar ZF=1 00008200 lsl ZF=1 0000001f
; expect: sel 0048: lar ZF=1 00008c00 lsl ZF=0 eeeeeeee
; expect: sel 0004: lar ZF=1 00c09200 lsl ZF=1 ffffffff
; expect: sel 0014: lar ZF=1 00009000 lsl ZF=1 0000ffff
; expect: sel 0000: lar ZF=0 eeeeeeee lsl ZF=0 eeeeeeee
; expect: sel 01f8: lar ZF=0 eeeeeeee lsl ZF=0 eeeeeeee
; expect: sel 0090: lar ZF=0 eeeeeeee lsl ZF=0 eeeeeeee
; expect: sel 0098: lar ZF=0 eeeeeeee lsl ZF=0 eeeeeeee
; expect: sel 0013: lar ZF=0 eeeeeeee lsl ZF=0 eeeeeeee
; expect: sel 001b: lar ZF=1 00c09e00 lsl ZF=1 ffffffff
; expect: sel 0024: lar ZF=0 eeeeeeee lsl ZF=0 eeeeeeee
; expect: o16 lar ax, 0x60: ZF=1 eeee9200  o16 lsl ax, 0x60: ZF=1 eeee2345
; expect: lar eax, [mem=0x68]: ZF=1 00c09200  lsl eax, [mem]: ZF=1 00012fff

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

print_zf:                               ; prints "ZF=<bit 6 of [zf_image]>"
    push eax
    print "ZF="
    mov eax, [zf_image]
    shr eax, 6
    and eax, 1
    call put_dec
    pop eax
    ret

%macro both 1
    mov ebx, %1
    call lar_lsl
%endmacro

lar_lsl:                                ; EBX = selector
    print "sel "
    print_hex16 bx
    mov eax, 0xEEEEEEEE
    lar eax, ebx
    pushfd
    pop dword [zf_image]
    print ": lar "
    call print_zf
    print " "
    cmp eax, 0xEEEEEEEE
    je .lar_print
    and eax, [lar_mask]
    test eax, 0x1000                    ; code/data: drop the accessed bit
    jz .lar_print
    and eax, ~0x100
.lar_print:
    print_hex32 eax
    mov eax, 0xEEEEEEEE
    lsl eax, ebx
    pushfd
    pop dword [zf_image]
    print " lsl "
    call print_zf
    print " "
    print_hex32 eax
    call newline
    ret

main:
    call install_traps
    call setup_xgdt
    mov ax, XLDT
    lldt ax
    mov dword [lar_mask], 0x00F0FF00

    both XCODE
    both XDATA
    both XCONF
    both XEXEC
    both XDATA3
    both XBYTELIM
    both XPAGELIM
    both XTSS
    both XTSS16
    both XLDT
    mov dword [lar_mask], 0x0000FF00
    both XCGATE
    mov dword [lar_mask], 0x00F0FF00
    both LDATA
    both LRODATA
    both 0
    both 0x1F8
    both XIGATE
    both XRESV
    both XDATA | 3
    both XCONF | 3
    both 0x24

    mov ebx, XBYTELIM
    mov eax, 0xEEEEEEEE
    o16 lar ax, bx
    pushfd
    pop dword [zf_image]
    print "o16 lar ax, 0x60: "
    call print_zf
    print " "
    print_hex32 eax
    mov eax, 0xEEEEEEEE
    o16 lsl ax, bx
    pushfd
    pop dword [zf_image]
    print "  o16 lsl ax, 0x60: "
    call print_zf
    print " "
    print_hex32 eax
    call newline

    mov word [mem], XPAGELIM
    mov eax, 0xEEEEEEEE
    lar eax, [mem]
    pushfd
    pop dword [zf_image]
    and eax, 0x00F0FE00
    print "lar eax, [mem=0x68]: "
    call print_zf
    print " "
    print_hex32 eax
    mov eax, 0xEEEEEEEE
    lsl eax, [mem]
    pushfd
    pop dword [zf_image]
    print "  lsl eax, [mem]: "
    call print_zf
    print " "
    print_hex32 eax
    call newline
    exit 0

section .bss
zf_image:   resd 1
lar_mask:   resd 1
mem:        resd 1
