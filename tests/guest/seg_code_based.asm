; seg_code_based: code running in a 32-bit code segment whose base is not 0. CB1 has base
; 0x00100000 (where the image is linked) and a 4 GiB limit, so the code at linear address
; L runs at EIP L - 0x00100000 (OFS(L) below); CB2 has base 0x00100010. EIP is an offset
; in CS everywhere: near CALL pushes offsets, RET/JMP/CALL through registers, memory and
; a jump table take offsets, loops and Jcc stay in CS, far CALL pushes the offset, an
; interrupt or exception saves the offset (and CS) and IRET returns to it, and an IDT
; gate may name a based code segment. The same EIP under CB1 and CB2 is different code
; (a translator keying blocks or its indirect-branch table by EIP alone would mix them).
; A far JMP to an offset beyond a code segment's limit raises #GP(0) at the JMP (far
; CALL/RET/IRET and near branches beyond the limit: manual/seg_code_limit.asm, since
; QEMU's TCG does not check near branches and gives the selector as the error code
; where the SDM says 0).
; expect-exit: 1
; expect: jmp 0018:based: cs=0018
; expect: call/pop: eip=here+0 linear-eip=00100000
; expect: near call/ret: eax=00000007 esp+0
; expect: call rec: pushed=ret+0
; expect: jmp reg: ok
; expect: call [mem]: eax=00000009 esp+0; call reg: eax=0000000e pushed=ret+0
; expect: jump table: 0 1 2 3
; expect: push/ret: ok
; expect: loop sum: 000013ba; loop insn: 1000; indirect calls: 1000
; expect: far call to flat: pushed eip=ret+0 cs=0018 esp+0
; expect: int 30: saved eip=ret+0 cs=0018 esp+0
; expect: ud2: #06 eip=site+0 cs=00000018
; expect: div 0: #00 eip=site+0 cs=00000018
; expect: back in flat: cs=0008
; expect: far call into based: in f cs=0018 pushed eip=ret+0 cs=0008; back esp+0
; expect: int 31 -> 0018:handler: handler cs=0018 self=h+0 frame eip=ret+0 cs=0008
; expect: same eip, two bases: 00000111 00000222 x100: 00013fec
; expect: jmp 0028:beyond limit: #0d err=00000000 eip=site+0
; expect: done

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

CBASE   equ 0x00100000
%define OFS(x) ((x) - CBASE)
CB1     equ 0x18        ; code, base 0x00100000, limit 4 GiB, 32-bit
CB2     equ 0x20        ; code, base 0x00100010, limit 4 GiB, 32-bit
CLIM    equ 0x28        ; code, base 0x00100000, limit 0xFFF (byte granular), 32-bit

section .data
align 8
cs_gdt:
    dq 0                            ; null
    dq 0x00CF9A000000FFFF           ; 0x08: flat code
    dq 0x00CF92000000FFFF           ; 0x10: flat data
    dq 0x00CF9A100000FFFF           ; 0x18: code, base 0x00100000
    dq 0x00CF9A100010FFFF           ; 0x20: code, base 0x00100010
    dq 0x00409A1000000FFF           ; 0x28: code, base 0x00100000, limit 0xFFF
cs_gdt_end:
cs_gdtr:
    dw cs_gdt_end - cs_gdt - 1
    dd cs_gdt

section .rodata
align 4
jtab:   dd OFS(based_main.c0), OFS(based_main.c1), OFS(based_main.c2), OFS(based_main.c3)

section .bss
alignb 4
got_cs:     resd 1
fptr:       resd 1
rec_eip:    resd 1
rec_cs:     resd 1
h_cs:       resd 1
h_self:     resd 1
h_eip:      resd 1
h_fcs:      resd 1
sum:        resd 1

section .text
main:
    call install_traps
    lgdt [cs_gdtr]
    jmp CODE_SEL:.reload
.reload:
    gate 0x30, int30_handler, GATE_INTR
    ; vector 0x31 enters the based segment CB1 at OFS(based_handler)
    gate 0x31, OFS(based_handler), GATE_INTR
    mov word [idt + 0x31 * 8 + 2], CB1

    jmp CB1:OFS(based_main)
back_to_flat:
    mov ax, cs
    mov [got_cs], ax
    print "back in flat: cs="
    print_hex16 [got_cs]
    call newline

    ; Far CALL from flat code into the based segment, RETF back.
    mov ebx, esp
    call CB1:OFS(based_f)
.fret:
    mov ecx, esp
    sub ecx, ebx
    print "far call into based: in f cs="
    print_hex16 [h_cs]
    print " pushed eip=ret+"
    mov eax, [rec_eip]
    sub eax, .fret
    call put_dec
    print " cs="
    print_hex16 [rec_cs]
    print "; back esp+"
    print_dec ecx
    call newline

    ; An IDT gate whose code segment is based.
    int 0x31
.iret31:
    print "int 31 -> 0018:handler: handler cs="
    print_hex16 [h_cs]
    print " self=h+"
    mov eax, [h_self]
    sub eax, OFS(based_handler.h)
    call put_dec
    print " frame eip=ret+"
    mov eax, [h_eip]
    sub eax, .iret31
    call put_dec
    print " cs="
    print_hex16 [h_fcs]
    call newline

    ; The same offset in two code segments is two different pieces of code.
    mov ecx, 100
    mov dword [sum], 0
.two:
    call CB1:OFS(caller1)
    mov esi, eax
    add [sum], eax
    call CB2:OFS(caller1)
    mov edi, eax
    add [sum], eax
    loop .two
    print "same eip, two bases: "
    print_hex32s esi, edi
    print " x100: "
    print_hex32 [sum]
    call newline

    ; A far JMP beyond the target's limit: #GP(0) at the JMP.
    TRY .jr
.js:
    jmp CLIM:0x1000
.jr:
    print "jmp 0028:beyond limit: "
    report_trap .js
    println "done"
    exit 0

; record_return: stores the EIP and CS at [ESP] and [ESP + 4] (keeps EAX).
%macro record_return 0
    push eax
    mov eax, [esp + 4]
    mov [rec_eip], eax
    mov eax, [esp + 8]
    mov [rec_cs], eax
    pop eax
%endmacro

; Flat handler for INT 0x30: records the saved EIP and CS.
int30_handler:
    record_return
    iret

; Flat far-callable: records the pushed EIP and CS.
flat_rec:
    record_return
    retf

add4:
    add eax, 4
    ret

add5:
    add eax, 5
    ret

add1:
    inc eax
    ret

; rec_ret: EAX = the return address CALL pushed.
rec_ret:
    mov eax, [esp]
    ret

; ---- Everything from here to back_to_flat runs in CB1 (EIP = OFS(linear)). ----
based_main:
    mov ax, cs
    mov [got_cs], ax
    print "jmp 0018:based: cs="
    print_hex16 [got_cs]
    call newline

    call .here
.here:
    pop eax
    mov ebx, .here
    sub ebx, eax                    ; linear - offset = the base
    mov edx, eax
    sub edx, OFS(.here)
    print "call/pop: eip=here+"
    print_dec edx
    print " linear-eip="
    print_hex32 ebx
    call newline

    mov ebx, esp
    mov eax, 3
    call add4
    mov ecx, ebx
    sub ecx, esp
    print "near call/ret: eax="
    print_hex32 eax
    print " esp+"
    print_dec ecx
    call newline

    call rec_ret
.r1:
    sub eax, OFS(.r1)
    print "call rec: pushed=ret+"
    print_dec eax
    call newline

    mov eax, OFS(.t1)
    jmp eax
    println "jmp reg: fell through"
.t1:
    println "jmp reg: ok"

    mov dword [fptr], OFS(add5)
    mov ebx, esp
    mov eax, 4
    call [fptr]
    mov ecx, ebx
    sub ecx, esp
    print "call [mem]: eax="
    print_hex32 eax
    print " esp+"
    print_dec ecx
    mov edx, OFS(add5)
    call edx
    print "; call reg: eax="
    print_hex32 eax
    mov edx, OFS(rec_ret)
    call edx
.r2:
    sub eax, OFS(.r2)
    print " pushed=ret+"
    print_dec eax
    call newline

    print "jump table:"
    xor ecx, ecx
.jt:
    jmp [jtab + ecx * 4]
.c0:
    print " 0"
    jmp .jt_next
.c1:
    print " 1"
    jmp .jt_next
.c2:
    print " 2"
    jmp .jt_next
.c3:
    print " 3"
.jt_next:
    inc ecx
    cmp ecx, 4
    jb .jt
    call newline

    push dword OFS(.pr)
    ret
    println "push/ret: fell through"
.pr:
    println "push/ret: ok"

    xor eax, eax
    mov ecx, 100
.sum:
    add eax, ecx
    dec ecx
    jnz .sum
    print "loop sum: "
    print_hex32 eax
    xor eax, eax
    mov ecx, 1000
.li:
    inc eax
    loop .li
    print "; loop insn: "
    print_dec eax
    xor eax, eax
    mov ecx, 1000
    mov edx, OFS(add1)
.ind:
    call edx
    dec ecx
    jnz .ind
    print "; indirect calls: "
    print_dec eax
    call newline

    mov ebx, esp
    call CODE_SEL:flat_rec
.fr:
    mov ecx, ebx
    sub ecx, esp
    print "far call to flat: pushed eip=ret+"
    mov eax, [rec_eip]
    sub eax, OFS(.fr)
    call put_dec
    print " cs="
    print_hex16 [rec_cs]
    print " esp+"
    print_dec ecx
    call newline

    mov ebx, esp
    int 0x30
.ir:
    mov ecx, ebx
    sub ecx, esp
    print "int 30: saved eip=ret+"
    mov eax, [rec_eip]
    sub eax, OFS(.ir)
    call put_dec
    print " cs="
    print_hex16 [rec_cs]
    print " esp+"
    print_dec ecx
    call newline

    TRY OFS(.ud_r)
.ud_s:
    ud2
.ud_r:
    print "ud2: "
    report_trap OFS(.ud_s)

    xor ecx, ecx
    TRY OFS(.de_r)
.de_s:
    div ecx
.de_r:
    print "div 0: "
    report_trap OFS(.de_s)

    jmp CODE_SEL:back_to_flat

; Far-called from flat code into CB1: records CS, the pushed EIP and CS.
based_f:
    push eax
    mov ax, cs
    mov [h_cs], ax
    pop eax
    record_return
    retf

; INT 0x31 lands here in CB1: records CS, its own EIP, the frame's EIP and CS.
based_handler:
    push eax
    mov ax, cs
    mov [h_cs], ax
    call .h
.h:
    pop eax
    mov [h_self], eax
    mov eax, [esp + 4]
    mov [h_eip], eax
    mov eax, [esp + 8]
    mov [h_fcs], eax
    pop eax
    iret

; The same code at two places 16 bytes apart, so that CB1:OFS(caller1) runs caller1
; and CB2:OFS(caller1) runs caller2; both call offset OFS(same1): same1 under CB1,
; same2 under CB2.
align 16
same1:
    mov eax, 0x111
    ret
    times 16 - ($ - same1) nop
same2:
    mov eax, 0x222
    ret
    times 32 - ($ - same1) nop
caller1:
    mov edx, OFS(same1)
    call edx
    retf
    times 48 - ($ - same1) nop
caller2:
    mov edx, OFS(same1)
    call edx
    retf
