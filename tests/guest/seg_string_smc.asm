; seg_string_smc: REP STOSD through ES with base 0x00001000 runs into a page that holds
; translated code, so the store faults part-way through the REP. bt86 must hand EDI back
; as an offset in ES (not the linear address it used) before it re-runs the instruction;
; the final EDI, ECX and memory must be those of the full REP STOSD.
; expect-exit: 1
; expect: before: f() = 00000001
; expect: after:  edi=003ff100 ecx=00000000 [0x400000]=aaaaaaaa [0x4000fc]=aaaaaaaa
; expect: f() = 00000002
; expect: done

%include "guest.inc"
%include "idt.inc"

ES_SEL equ 0x18

section .data
align 8
ss_gdt:
    dq 0
    dq 0x00CF9A000000FFFF           ; 0x08 flat code
    dq 0x00CF92000000FFFF           ; 0x10 flat data
    dq 0x00CF92001000FFFF           ; 0x18 data, base 0x00001000, limit 4 GiB
ss_gdt_end:
ss_gdtr:
    dw ss_gdt_end - ss_gdt - 1
    dd ss_gdt

section .text
main:
    lgdt [ss_gdtr]
    jmp CODE_SEL:.reload
.reload:
    mov ax, DATA_SEL
    mov ds, ax
    mov ss, ax
    mov ax, ES_SEL
    mov es, ax
    ; Put a tiny function on the page at 0x400000 (away from this guest's image) and run it,
    ; so that page holds translated code.
    mov dword [0x400000], 0x000001b8       ; mov eax, 1
    mov dword [0x400004], 0x9090c300       ; (imm32 high byte) ret nop nop
    call 0x400000
    print "before: f() = "
    print_hex32 eax
    call newline
    ; Fill 0x3fff00..0x4000ff (ES offsets 0x3fef00..0x3ff0ff) with AAAAAAAA: the REP
    ; crosses into the code page at 0x400000 half-way.
    mov edi, 0x003fef00
    mov ecx, 0x80
    mov eax, 0xaaaaaaaa
    cld
    rep stosd
    print "after:  edi="
    print_hex32 edi
    print " ecx="
    print_hex32 ecx
    print " [0x400000]="
    print_hex32 [0x400000]
    print " [0x4000fc]="
    print_hex32 [0x4000fc]
    call newline
    ; The code page was overwritten: write a new function and run it again.
    mov dword [0x400000], 0x000002b8       ; mov eax, 2
    mov dword [0x400004], 0x9090c300
    call 0x400000
    print "f() = "
    print_hex32 eax
    call newline
    println "done"
    exit 0
