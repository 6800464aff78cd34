; exc_ud: #UD (vector 6) is a fault (saved EIP = the instruction, no error
; code): UD2, reserved opcodes (0F 04, FE /2, 0F FF UD0), LOCK on a
; non-lockable instruction with a memory operand (LOCK CMP; QEMU 7.2 does not
; raise #UD for LOCK MOV/TEST/LEA/PUSH/MOVZX to memory, which the SDM says
; must fault: those are in manual/sdm_only.asm) and on a lockable one with a register
; destination, SSSE3 PSHUFB, SSE4.2 POPCNT and MOVBE, which the
; modeled CPU (and QEMU's default qemu32) lacks, with SSE itself enabled,
; and RDTSCP (also absent from both);
; then an SSE instruction with CR4.OSFXSR=0 and an x87-free SSE instruction
; with CR0.EM=1, and an MMX instruction with CR0.EM=1. A valid instruction
; after each shows that execution went on.
; expect-exit: 1
; expect: ud2: #06 eip=site+0
; expect: 0f 04: #06 eip=site+0
; expect: fe /2: #06 eip=site+0
; expect: ud0 0f ff: #06 eip=site+0
; expect: lock cmp [ebx], eax: #06 eip=site+0 mem=00000000
; expect: lock inc ecx: #06 eip=site+0 ecx=00000005
; expect: lock add [mem], eax: no trap mem=00000007
; expect: pshufb (ssse3): #06 eip=site+0
; expect: popcnt (sse4.2): #06 eip=site+0
; expect: movbe: #06 eip=site+0
; expect: paddd with OSFXSR=1: no trap
; expect: rdtscp: #06 eip=site+0
; expect: addps with OSFXSR=0: #06 eip=site+0
; expect: addps with EM=1: #06 eip=site+0
; expect: paddd mm with EM=1: #06 eip=site+0
; expect: traps=13

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

%macro ud 2+                            ; text, instruction bytes
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps
    mov eax, cr0
    and eax, ~(1 << 2)                  ; EM=0
    or eax, (1 << 1) | (1 << 5)         ; MP, NE
    mov cr0, eax
    mov eax, cr4
    or eax, (1 << 9) | (1 << 10)        ; OSFXSR, OSXMMEXCPT
    mov cr4, eax

    ud "ud2: ", ud2
    call newline
    ud "0f 04: ", db 0x0F, 0x04
    call newline
    ud "fe /2: ", db 0xFE, 0xD0
    call newline
    ud "ud0 0f ff: ", db 0x0F, 0xFF, 0xC0
    call newline

    mov dword [mem], 0
    mov ebx, mem
    mov eax, 7
    ud "lock cmp [ebx], eax: ", db 0xF0, 0x39, 0x03
    print " mem="
    print_hex32 [mem]
    call newline

    mov ecx, 5
    ud "lock inc ecx: ", db 0xF0, 0xFF, 0xC1
    print " ecx="
    print_hex32 ecx
    call newline

    mov eax, 7
    ud "lock add [mem], eax: ", lock add [mem], eax
    print " mem="
    print_hex32 [mem]
    call newline

    ud "pshufb (ssse3): ", db 0x66, 0x0F, 0x38, 0x00, 0xC1
    call newline
    ud "popcnt (sse4.2): ", db 0xF3, 0x0F, 0xB8, 0xC1
    call newline
    ud "movbe: ", db 0x0F, 0x38, 0xF0, 0x03
    call newline
    ud "paddd with OSFXSR=1: ", paddd xmm0, xmm1
    call newline
    ud "rdtscp: ", rdtscp
    call newline

    mov eax, cr4
    and eax, ~(1 << 9)
    mov cr4, eax
    ud "addps with OSFXSR=0: ", addps xmm0, xmm1
    call newline
    or eax, 1 << 9
    mov cr4, eax

    mov eax, cr0
    or eax, 1 << 2                      ; EM=1
    mov cr0, eax
    ud "addps with EM=1: ", addps xmm0, xmm1
    call newline
    ud "paddd mm with EM=1: ", paddd mm0, mm1
    call newline
    and eax, ~(1 << 2)
    mov cr0, eax

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0


section .data
mem:    dd 0
