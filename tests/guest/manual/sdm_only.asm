; sdm_only: rules of the Intel SDM that QEMU 7.2's TCG does not follow, so
; that they cannot be in the shared runner (QEMU is its reference). The
; expectations are the SDM's; run this guest under bt86 alone.
;  - LTR with the null selector: #GP(0) (QEMU loads a null TR).
;  - WRMSR/RDMSR of an MSR the CPU lacks: #GP(0), EDX:EAX unchanged (QEMU
;    ignores the write and reads 0).
;  - WRMSR IA32_TIME_STAMP_COUNTER (0x10) sets the counter that RDMSR 0x10
;    and RDTSC then read (QEMU: RDMSR 0x10 reads 0, RDTSC ignores the write).
;  - LOCK on MOV/TEST/LEA/MOVZX/PUSH to or from memory: #UD (QEMU runs them).
;  - A #UD whose gate is not present: #NP with EXT=1, error 6*8+2+1 = 0x33
;    (QEMU leaves EXT clear: 0x32).
;  - An unmasked pending x87 error is reported on the next waiting x87
;    instruction, FLD1 included, not only on FWAIT (QEMU checks only FWAIT).
;  - RDPMC of a counter the CPU lacks: #GP(0) (QEMU raises #UD).
;  - DR6 bit 12 reads 0 (QEMU keeps a 1 written there).
;  - ICEBP (F1) raises #DB as a trap (QEMU raises #UD).
; expect-exit: 1
; expect: ltr 0: #0d err=00000000 eip=site+0
; expect: wrmsr 0x12345678: #0d err=00000000 eip=site+0
; expect: rdmsr 0x12345678: #0d err=00000000 eip=site+0 eax=aaaaaaaa edx=bbbbbbbb
; expect: tsc <- 5:00000000: rdmsr hi=00000005 rdtsc hi=00000005
; expect: lock mov [ebx], eax: #06 eip=site+0
; expect: lock test [ebx], eax: #06 eip=site+0
; expect: lock lea eax, [ebx]: #06 eip=site+0
; expect: lock movzx eax, byte [ebx]: #06 eip=site+0
; expect: lock push dword [ebx]: #06 eip=site+0
; expect: ud2 through a not-present gate: #0b err=00000033 eip=site+0
; expect: fld1 with an x87 error pending: #10 eip=site+0
; expect: rdpmc ecx=0: #0d err=00000000 eip=site+0
; expect: dr6 <- ffffffff: ffffefff
; expect: icebp: #01 eip=site+1

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro case 2+                          ; text, instruction
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps
    call setup_xgdt

    xor eax, eax
    case "ltr 0: ", ltr ax
    call newline

    mov ecx, 0x12345678
    xor eax, eax
    xor edx, edx
    case "wrmsr 0x12345678: ", wrmsr
    call newline
    mov eax, 0xAAAAAAAA
    mov edx, 0xBBBBBBBB
    case "rdmsr 0x12345678: ", rdmsr
    print " eax="
    print_hex32 eax
    print " edx="
    print_hex32 edx
    call newline

    mov ecx, 0x10
    xor eax, eax
    mov edx, 5
    wrmsr
    mov edx, 0
    rdmsr
    mov esi, edx
    rdtsc
    print "tsc <- 5:00000000: rdmsr hi="
    print_hex32 esi
    print " rdtsc hi="
    print_hex32 edx
    call newline

    mov ebx, scratch
    case "lock mov [ebx], eax: ", db 0xF0, 0x89, 0x03
    call newline
    case "lock test [ebx], eax: ", db 0xF0, 0x85, 0x03
    call newline
    case "lock lea eax, [ebx]: ", db 0xF0, 0x8D, 0x03
    call newline
    case "lock movzx eax, byte [ebx]: ", db 0xF0, 0x0F, 0xB6, 0x03
    call newline
    mov ebp, esp
    case "lock push dword [ebx]: ", db 0xF0, 0xFF, 0x33
    mov esp, ebp
    call newline

    gate 6, trap_stub_6, 0x0E
    case "ud2 through a not-present gate: ", ud2
    call newline
    gate 6, trap_stub_6, GATE_INTR

    mov eax, cr0
    and eax, ~((1 << 2) | (1 << 3))
    or eax, (1 << 1) | (1 << 5)
    mov cr0, eax
    fninit
    fldcw [cw_zm_unmasked]
    fld1
    fldz
    fdivp st1, st0
    case "fld1 with an x87 error pending: ", fld1
    call newline
    fnclex
    fninit

    xor ecx, ecx
    case "rdpmc ecx=0: ", rdpmc
    call newline

    mov eax, 0xFFFFFFFF
    mov dr6, eax
    mov eax, dr6
    print "dr6 <- ffffffff: "
    print_hex32 eax
    call newline
    case "icebp: ", db 0xF1
    call newline
    exit 0

section .data
cw_zm_unmasked: dw 0x037B
scratch:        dd 0
