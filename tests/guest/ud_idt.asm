; ud_idt: invalid opcodes raise #UD (vector 6) through an IDT the guest sets
; up. The handler prints the vector, the saved EIP as an offset from the
; faulting instruction (a fault: offset 0) and whether the saved CS is ours,
; then skips the instruction and IRETs. Covers UD2 (three times from one
; site, so it runs once translated), LOCK on a register-destination ADD,
; and LOCK NOP.
; expect-exit: 1
; expect: #UD vector=06 eip=site+0 cs ok
; expect: #UD vector=06 eip=site+0 cs ok
; expect: #UD vector=06 eip=site+0 cs ok
; expect: ud2 x3 done, ebx=00000003
; expect: #UD vector=06 eip=site+0 cs ok
; expect: lock add eax, ebx skipped, eax=00000001
; expect: #UD vector=06 eip=site+0 cs ok
; expect: lock nop skipped
; expect: ud count=5

%include "guest.inc"
%include "idt.inc"

main:
    call setup_gdt
    gate 6, ud_handler, GATE_INTR
    call load_idt

    xor ebx, ebx
    mov ecx, 3
ud_loop:
    mov dword [site], ud_site
    mov dword [skip], 2
ud_site:
    ud2
    inc ebx
    loop ud_loop
    print "ud2 x3 done, ebx="
    print_hex32 ebx
    call newline

    mov eax, 1
    mov ebx, 5
    mov dword [site], lock_add_site
    mov dword [skip], 3
lock_add_site:
    db 0xF0, 0x01, 0xD8                     ; lock add eax, ebx: LOCK with a register operand
    print "lock add eax, ebx skipped, eax="
    print_hex32 eax
    call newline

    mov dword [site], lock_nop_site
    mov dword [skip], 2
lock_nop_site:
    db 0xF0, 0x90                           ; lock nop
    println "lock nop skipped"

    print "ud count="
    print_dec [ud_count]
    call newline
    exit 0

; #UD has no error code: [esp] = EIP, [esp+4] = CS, [esp+8] = EFLAGS.
ud_handler:
    push eax
    inc dword [ud_count]
    print "#UD vector=06 eip=site+"
    mov eax, [esp + 4]
    sub eax, [site]
    print_dec eax
    mov eax, [esp + 8]
    cmp ax, CODE_SEL
    jne .bad_cs
    println " cs ok"
    jmp .resume
.bad_cs:
    println " cs WRONG"
.resume:
    mov eax, [skip]
    add [esp + 4], eax
    pop eax
    iret

section .bss
site:       resd 1
skip:       resd 1
ud_count:   resd 1
