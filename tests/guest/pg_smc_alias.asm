; pg_smc_alias: self-modifying code under paging, with one physical code page
; P reached at two linear addresses, X1 = 0x00400000 and X2 = 0x00401000,
; and through the identity map (its link address); a second page Q (code
; "mov eax, 0x44444444; ret") is mapped at X3 = 0x00402000. Each line shows
; which version of the code ran. Routines are called 1000 times where it
; matters, so that a translator has them hot before they change.
;
; Why the values are right (SDM vol. 3, 8.1.3 and 11.6): the CPU detects a
; write to code by the physical address of the instruction, so a store
; through one alias changes what runs at every other alias and at the
; identity address, as long as the new code is reached by a jump or a call
; after the store. (The SDM checks an instruction already prefetched only
; by its linear address, so patching the very next instruction is done here
; only through the address it runs from, as x86 requires.) After the PTE of
; X2 is pointed at Q and INVLPG runs, X2 executes Q's code and stores
; through X1 no longer affect it.
; expect-exit: 1
; expect: written through X1, run at X2: 11111111
; expect: patched through X1, run at X2: 22222222
; expect: patched through the identity map, run at X1: 33333333 at X2: 33333333
; expect: 1000 patches through X1, each run at X2: sum=500500
; expect: patched through X2, run at X2: 55555555
; expect: next instruction patched through its own address (X2): 01 02 03
; expect: Q run at X3: 44444444
; expect: X2 -> Q, invlpg: X2 44444444 X1 55555555
; expect: patched through X1 after the remap: X2 44444444 X1 66666666

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "paging.inc"

X1      equ 0x00400000
X2      equ 0x00401000
X3      equ 0x00402000
RUNS    equ 1000
NEXT    equ 0x100                       ; offset of the patch-next routine

; run_hot addr: call addr RUNS times; EAX = the last result.
%macro run_hot 1
    mov ecx, RUNS
%%again:
    mov eax, %1
    call eax
    loop %%again
%endmacro

main:
    call install_traps
    mov eax, PG_P | PG_W
    call pg_map_low
    mov eax, tab1
    or eax, PG_P | PG_W
    mov [pg_dir + 1 * 4], eax
    mov eax, code_p
    or eax, PG_P | PG_W
    mov [tab1 + 0 * 4], eax             ; X1 -> P
    mov [tab1 + 1 * 4], eax             ; X2 -> P
    mov eax, code_q
    or eax, PG_P | PG_W
    mov [tab1 + 2 * 4], eax             ; X3 -> Q
    mov byte [code_q], 0xB8
    mov dword [code_q + 1], 0x44444444
    mov byte [code_q + 5], 0xC3
    call pg_enable

    mov byte [X1], 0xB8                 ; mov eax, imm32
    mov dword [X1 + 1], 0x11111111
    mov byte [X1 + 5], 0xC3             ; ret
    run_hot X2
    print "written through X1, run at X2: "
    print_hex32 eax
    call newline

    mov dword [X1 + 1], 0x22222222
    run_hot X2
    print "patched through X1, run at X2: "
    print_hex32 eax
    call newline

    mov dword [code_p + 1], 0x33333333
    print "patched through the identity map, run at X1: "
    mov eax, X1
    call eax
    print_hex32 eax
    print " at X2: "
    mov eax, X2
    call eax
    print_hex32 eax
    call newline

    xor ebx, ebx
    mov edx, 1
.patch_loop:
    mov [X1 + 1], edx
    mov eax, X2
    call eax
    add ebx, eax
    inc edx
    cmp edx, RUNS
    jbe .patch_loop
    print "1000 patches through X1, each run at X2: sum="
    print_dec ebx
    call newline

    mov dword [X2 + 1], 0x55555555
    mov eax, X2
    call eax
    print "patched through X2, run at X2: "
    print_hex32 eax
    call newline

    ; X2 + NEXT: mov [X2 + NEXT + 7], cl / mov al, 0 / ret
    mov word [X2 + NEXT], 0x0D88
    mov dword [X2 + NEXT + 2], X2 + NEXT + 7
    mov word [X2 + NEXT + 6], 0x00B0
    mov byte [X2 + NEXT + 8], 0xC3
    print "next instruction patched through its own address (X2):"
    mov ecx, 1
.next_loop:
    xor eax, eax
    mov edx, X2 + NEXT
    call edx
    print " "
    print_hex8 al
    inc ecx
    cmp ecx, 3
    jbe .next_loop
    call newline

    run_hot X3
    print "Q run at X3: "
    print_hex32 eax
    call newline

    mov eax, code_q
    or eax, PG_P | PG_W
    mov [tab1 + 1 * 4], eax             ; X2 -> Q
    invlpg [X2]
    print "X2 -> Q, invlpg: X2 "
    mov eax, X2
    call eax
    print_hex32 eax
    print " X1 "
    mov eax, X1
    call eax
    print_hex32 eax
    call newline

    mov dword [X1 + 1], 0x66666666
    print "patched through X1 after the remap: X2 "
    mov eax, X2
    call eax
    print_hex32 eax
    print " X1 "
    mov eax, X1
    call eax
    print_hex32 eax
    call newline
    exit 0

section .bss
alignb 4096
tab1:       resb 4096
code_p:     resb 4096
code_q:     resb 4096
