; sens_cpuid: CPUID at CPL 0, only what QEMU's qemu32 and bt86's modeled CPU
; agree on: leaf 0 reports a maximum basic leaf of at least 1; leaf 1 EDX
; has FPU(0) TSC(4) CX8(8) CMOV(15) MMX(23) FXSR(24) SSE(25) SSE2(26); leaf
; 1 ECX lacks SSSE3(9), SSE4.1(19), SSE4.2(20), MOVBE(22), POPCNT(23) and
; AVX(28), which both CPUs reject with #UD. ESI, EDI, EBP and the stack are
; untouched. Also inside a loop.
; expect-exit: 1
; expect: leaf 0: max leaf >= 1: yes
; expect: leaf 1 edx & 07808111 = 07808111
; expect: leaf 1 ecx & 10d80200 = 00000000
; expect: esi=51515151 edi=d1d1d1d1 ebp=b0b0b0b0 esp kept
; expect: 100 cpuid: ecx=00000000 same leaf 1 edx bits: yes

%include "guest.inc"

main:
    mov esi, 0x51515151
    mov edi, 0xD1D1D1D1
    mov ebp, 0xB0B0B0B0
    mov [esp_before], esp

    xor eax, eax
    cpuid
    print "leaf 0: max leaf >= 1: "
    cmp eax, 1
    jb .no
    println "yes"
    jmp .leaf1
.no:
    println "no"
.leaf1:
    mov eax, 1
    cpuid
    and edx, 0x07808111
    print "leaf 1 edx & 07808111 = "
    print_hex32 edx
    call newline
    and ecx, 0x10D80200
    print "leaf 1 ecx & 10d80200 = "
    print_hex32 ecx
    call newline

    print "esi="
    print_hex32 esi
    print " edi="
    print_hex32 edi
    print " ebp="
    print_hex32 ebp
    cmp esp, [esp_before]
    jne .esp_bad
    println " esp kept"
    jmp .loop_start
.esp_bad:
    println " esp CHANGED"

.loop_start:
    mov esi, 100
    xor edi, edi
.loop:
    mov eax, 1
    cpuid
    and edx, 0x07808111
    cmp edx, 0x07808111
    jne .miss
    inc edi
.miss:
    dec esi
    jnz .loop
    xor ecx, ecx
    print "100 cpuid: ecx="
    print_hex32 ecx
    print " same leaf 1 edx bits: "
    cmp edi, 100
    jne .bad
    println "yes"
    exit 0
.bad:
    println "no"
    exit 0

section .bss
esp_before: resd 1
