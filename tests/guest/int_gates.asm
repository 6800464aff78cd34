; int_gates: software interrupts through the guest's IDT. INT 0x80 through a
; trap gate (IF stays 1 in the handler), INT 0x81 through an interrupt gate
; (IF is 0 in the handler), INT3 (CC) and INT 3 (CD 03) to vector 3, INTO
; with OF=1 (vector 4) and OF=0 (no trap). Each handler records the saved
; EIP, CS and EFLAGS and its own EFLAGS; IRET restores IF and the arithmetic
; flags. The PIC is masked so that STI lets no hardware interrupt in.
; expect-exit: 1
; expect: int 0x80 trap gate: eax=0000002a eip=site+2 cs ok IF in handler=1 saved IF=1 IF after=1
; expect: int 0x81 interrupt gate: eax=0000002b eip=site+2 cs ok IF in handler=0 saved IF=1 IF after=1
; expect: int3: vector=03 eip=site+1 cs ok IF in handler=0 saved IF=1 IF after=1
; expect: int 3: vector=03 eip=site+2 cs ok IF in handler=0 saved IF=1 IF after=1
; expect: into OF=1: vector=04 eip=site+1 cs ok IF in handler=0 saved IF=1 IF after=1
; expect: into OF=0: no trap
; expect: CF across int: 1
; expect: int 0x80 x1000 in a loop: eax=000003e8
; expect: IF after cli: 0

%include "guest.inc"
%include "idt.inc"

IF_BIT  equ 1 << 9

; capture vector: handler body recording what the CPU pushed.
%macro capture 1
    pushfd
    pop dword [handler_flags]
    push eax
    mov byte [vector], %1
    mov eax, [esp + 4]
    mov [saved_eip], eax
    mov eax, [esp + 8]
    mov [saved_cs], eax
    mov eax, [esp + 12]
    mov [saved_flags], eax
    pop eax
%endmacro

; report "label": print what the last handler recorded (site set by caller).
%macro report 1
    pushfd
    pop dword [flags_after]
    print %1
    call print_capture
%endmacro

main:
    call setup_gdt
    gate 0x80, h80, GATE_TRAP
    gate 0x81, h81, GATE_INTR
    gate 3, h3, GATE_INTR
    gate 4, h4, GATE_INTR
    call load_idt
    mov al, 0xFF                            ; mask every 8259 input
    out 0x21, al
    out 0xA1, al
    sti

    mov eax, 41
    mov dword [site], .s80
.s80:
    int 0x80
    report "int 0x80 trap gate: eax="

    mov eax, 42
    mov dword [site], .s81
.s81:
    int 0x81
    report "int 0x81 interrupt gate: eax="

    mov dword [site], .s3a
.s3a:
    int3
    report "int3: vector="

    mov dword [site], .s3b
.s3b:
    db 0xCD, 0x03                           ; int 3, long form
    report "int 3: vector="

    mov dword [site], .s4
    mov al, 0x7F
    add al, 1                               ; OF = 1
.s4:
    into
    report "into OF=1: vector="

    mov byte [vector], 0xEE
    xor eax, eax                            ; OF = 0
    into
    print "into OF=0: "
    cmp byte [vector], 0xEE
    jne .trapped
    println "no trap"
    jmp .cf
.trapped:
    println "TRAPPED"

.cf:
    stc
    int 0x81                                ; the handler clears CF; IRET restores it
    setc al
    movzx eax, al
    print "CF across int: "
    print_dec eax
    call newline

    xor eax, eax
    mov ecx, 1000
.many:
    int 0x80                                ; h80 adds 1
    loop .many
    print "int 0x80 x1000 in a loop: eax="
    print_hex32 eax
    call newline

    cli
    pushfd
    pop eax
    and eax, IF_BIT
    shr eax, 9
    print "IF after cli: "
    print_dec eax
    call newline
    exit 0

; print_capture: EAX (for INT 0x80/0x81) or the vector, then the saved frame.
print_capture:
    cmp byte [vector], 0x80
    jb .vector
    print_hex32 eax
    jmp .frame
.vector:
    print_hex8 [vector]
.frame:
    print " eip=site+"
    push eax
    mov eax, [saved_eip]
    sub eax, [site]
    call put_dec
    print " cs "
    cmp word [saved_cs], CODE_SEL
    jne .bad_cs
    print "ok"
    jmp .flags
.bad_cs:
    print "WRONG"
.flags:
    print " IF in handler="
    mov eax, [handler_flags]
    call print_if
    print " saved IF="
    mov eax, [saved_flags]
    call print_if
    print " IF after="
    mov eax, [flags_after]
    call print_if
    call newline
    pop eax
    ret

print_if:                                   ; EAX = EFLAGS image
    and eax, IF_BIT
    shr eax, 9
    jmp put_dec

h80:
    capture 0x80
    inc eax
    iret

h81:
    capture 0x81
    inc eax
    clc
    iret

h3:
    capture 3
    iret

h4:
    capture 4
    iret

section .bss
site:           resd 1
vector:         resd 1
saved_eip:      resd 1
saved_cs:       resd 1
saved_flags:    resd 1
handler_flags:  resd 1
flags_after:    resd 1
