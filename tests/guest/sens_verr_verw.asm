; sens_verr_verw: VERR/VERW at CPL 0 set ZF when the segment is readable /
; writable from CPL 0 with the selector's RPL, else clear it: readable code
; (R only), execute-only code (neither), writable data (both), read-only
; data (R only), conforming readable code (R only, also with RPL 3),
; conforming execute-only code (neither), DPL 3 data (both), DPL 0 data
; with RPL 3 (neither), a not-present data segment (both: the P bit is not
; checked), system descriptors (TSS, LDT, call gate: neither), the null
; selector and one beyond the GDT limit (neither), LDT entries, and the
; memory operand form. Registers are untouched.
; expect-exit: 1
; expect: 0008 code r: verr=1 verw=0
; expect: 0020 code x-only: verr=0 verw=0
; expect: 0010 data rw: verr=1 verw=1
; expect: 0028 data ro: verr=1 verw=0
; expect: 0018 conforming r: verr=1 verw=0
; expect: 001b conforming r, RPL 3: verr=1 verw=0
; expect: 0078 conforming x-only: verr=0 verw=0
; expect: 0050 data DPL 3: verr=1 verw=1
; expect: 0013 data DPL 0 RPL 3: verr=0 verw=0
; expect: 0030 data not present: verr=1 verw=1
; expect: 0040 tss: verr=0 verw=0
; expect: 0038 ldt: verr=0 verw=0
; expect: 0048 call gate: verr=0 verw=0
; expect: 0000 null: verr=0 verw=0
; expect: 01f8 beyond limit: verr=0 verw=0
; expect: 0004 ldt data rw: verr=1 verw=1
; expect: 0014 ldt data ro: verr=1 verw=0
; expect: 000c ldt code r: verr=1 verw=0
; expect: verr [mem=0x28]: 1 verw [mem]: 0 eax=0000eeee

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro ver 2                            ; selector, text
    mov eax, %1
    print_hex16 ax
    print " "
    print %2
    print ":"
    call verify
    call newline
%endmacro

verify:                                 ; EAX = selector
    xor ecx, ecx
    verr ax
    setz cl
    xor edx, edx
    verw ax
    setz dl
    print " verr="
    print_dec ecx
    print " verw="
    print_dec edx
    ret

main:
    call install_traps
    call setup_xgdt
    mov ax, XLDT
    lldt ax

    ver XCODE, "code r"
    ver XEXEC, "code x-only"
    ver XDATA, "data rw"
    ver XRODATA, "data ro"
    ver XCONF, "conforming r"
    ver XCONF | 3, "conforming r, RPL 3"
    ver XCONFX, "conforming x-only"
    ver XDATA3, "data DPL 3"
    ver XDATA | 3, "data DPL 0 RPL 3"
    ver XNP, "data not present"
    ver XTSS, "tss"
    ver XLDT, "ldt"
    ver XCGATE, "call gate"
    ver 0, "null"
    ver 0x1F8, "beyond limit"
    ver LDATA, "ldt data rw"
    ver LRODATA, "ldt data ro"
    ver LCODE, "ldt code r"

    mov word [mem], XRODATA
    mov eax, 0xEEEE
    xor ecx, ecx
    verr [mem]
    setz cl
    xor edx, edx
    verw [mem]
    setz dl
    print "verr [mem=0x28]: "
    print_dec ecx
    print " verw [mem]: "
    print_dec edx
    print " eax="
    print_hex32 eax
    call newline
    exit 0

section .bss
mem:    resd 1
