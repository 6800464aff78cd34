; seg_code_limit: a 32-bit code segment with a limit below 4 GiB (CLIM: base 0x00100000,
; where the image is linked, so code at linear L runs at EIP OFS(L) = L - 0x00100000; the
; limit is set at run time to OFS(lim_end) - 1). SDM vol. 3, 5.3 and the instruction
; pages: fetching an instruction any byte of which is beyond the limit raises #GP(0) with
; the saved EIP at that instruction (code running off the end; an instruction straddling
; the limit, with nothing of it executed); a near JMP, CALL, Jcc, LOOP, JMP/CALL through
; a register or memory, RET or RET imm16 whose target is beyond the limit raises #GP(0) at
; the branch itself with the state of before it (ESP unchanged for RET, nothing pushed for
; CALL, ECX not decremented for LOOP); a not-taken Jcc to such a target does nothing.
; Far CALL, far RET and IRET to an offset beyond the target segment's limit raise #GP(0)
; at the instruction (QEMU 7.2 gives the selector as the error code), and so does an
; interrupt gate whose offset is beyond its segment's limit (#GP(EXT): 0 for INT n).
; QEMU's TCG checks none of the near cases, hence a manual (SDM-only) test.
; expect-exit: 1
; expect: run off the end: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: straddle the limit: #0d err=00000000 eip=site+0 cs=00000018 esp+0 eax=00000000
; expect: jmp beyond: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: call beyond: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: je beyond (taken): #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: jne beyond (not taken): no trap esp+0
; expect: jmp eax beyond: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: call eax beyond: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: jmp [mem] beyond: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: ret beyond: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: ret 8 beyond: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: loop beyond: #0d err=00000000 eip=site+0 cs=00000018 esp+0 ecx=00000005
; expect: jmp eax, ret to the last byte: #0d err=00000000 eip=site+0 cs=00000018 esp+0
; expect: 1000 indirect calls within the limit: eax=000003e8
; expect: call far beyond: #0d err=00000000 eip=site+0 esp+0
; expect: retf beyond: #0d err=00000000 eip=site+0 esp+0
; expect: iret beyond: #0d err=00000000 eip=site+0 esp+0
; expect: int 32 -> 0018:beyond: #0d err=00000000 eip=site+0 esp+0
; expect: done

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"

CBASE   equ 0x00100000
%define OFS(x) ((x) - CBASE)
CLIM    equ 0x18        ; code, base 0x00100000, byte-granular limit (patched), 32-bit

section .data
align 8
cs_gdt:
    dq 0                            ; null
    dq 0x00CF9A000000FFFF           ; 0x08: flat code
    dq 0x00CF92000000FFFF           ; 0x10: flat data
    dq 0x00409A1000000000           ; 0x18: code, base 0x00100000, limit patched
cs_gdt_end:
cs_gdtr:
    dw cs_gdt_end - cs_gdt - 1
    dd cs_gdt
cont:   dd 0, CODE_SEL              ; far pointer back to the flat side
beyond_ptr: dd OFS(lim_beyond)

section .text

; set_limit: EDX = CLIM's byte-granular limit (< 1 MiB).
set_limit:
    push edx
    mov [cs_gdt + CLIM], dx
    shr edx, 16
    and byte [cs_gdt + CLIM + 6], 0xF0
    or [cs_gdt + CLIM + 6], dl
    pop edx
    ret

; lim_test "text", entry, site: run CLIM:OFS(entry) from the flat side with EBX = ESP;
; the exception (or the entry itself) comes back through lim_resume; prints the trap
; relative to OFS(site) and ESP - EBX (in EDI), then restores ESP from EBX.
%macro lim_test 3
    mov dword [cont], %%back
    mov ebx, esp
    TRY OFS(lim_resume)
    jmp CLIM:OFS(%2)
%%back:
    mov edi, esp
    sub edi, ebx
    print %1
    show_trap OFS(%3)
    print " esp+"
    print_dec edi
    mov esp, ebx
%endmacro

main:
    call install_traps
    lgdt [cs_gdtr]
    jmp CODE_SEL:.reload
.reload:
    mov edx, OFS(lim_end) - 1
    call set_limit

    lim_test "run off the end: ", lim_run, lim_end
    call newline

    mov edx, OFS(straddle) + 1      ; two of the MOV's five bytes fit
    call set_limit
    xor eax, eax
    lim_test "straddle the limit: ", straddle, straddle
    print " eax="
    print_hex32 eax
    call newline
    mov edx, OFS(lim_end) - 1
    call set_limit

    lim_test "jmp beyond: ", t_jmp, t_jmp.s
    call newline
    lim_test "call beyond: ", t_call, t_call.s
    call newline
    lim_test "je beyond (taken): ", t_je, t_je.s
    call newline
    lim_test "jne beyond (not taken): ", t_jne, t_jne
    call newline
    lim_test "jmp eax beyond: ", t_jmp_reg, t_jmp_reg.s
    call newline
    lim_test "call eax beyond: ", t_call_reg, t_call_reg.s
    call newline
    lim_test "jmp [mem] beyond: ", t_jmp_mem, t_jmp_mem.s
    call newline
    lim_test "ret beyond: ", t_ret, t_ret.s
    call newline
    lim_test "ret 8 beyond: ", t_ret8, t_ret8.s
    call newline
    lim_test "loop beyond: ", t_loop, t_loop.s
    print " ecx="
    print_hex32 ecx
    call newline
    lim_test "jmp eax, ret to the last byte: ", t_last, lim_end
    call newline

    mov dword [cont], .ind_back
    jmp CLIM:OFS(t_ind)
.ind_back:
    print "1000 indirect calls within the limit: eax="
    print_hex32 eax
    call newline

    ; Far transfers to an offset beyond CLIM's limit.
    mov ebx, esp
    TRY .cf_r
.cf_s:
    call CLIM:OFS(lim_beyond)
.cf_r:
    mov ecx, esp
    sub ecx, ebx
    print "call far beyond: "
    show_trap .cf_s
    print " esp+"
    print_dec ecx
    call newline

    push dword CLIM
    push dword OFS(lim_beyond)
    mov ebx, esp
    TRY .rf_r
.rf_s:
    retf
.rf_r:
    mov ecx, esp
    sub ecx, ebx
    print "retf beyond: "
    show_trap .rf_s
    print " esp+"
    print_dec ecx
    call newline
    add esp, 8

    pushfd
    push dword CLIM
    push dword OFS(lim_beyond)
    mov ebx, esp
    TRY .ir_r
.ir_s:
    iret
.ir_r:
    mov ecx, esp
    sub ecx, ebx
    print "iret beyond: "
    show_trap .ir_s
    print " esp+"
    print_dec ecx
    call newline
    add esp, 12

    gate 0x32, OFS(lim_beyond), GATE_INTR
    mov word [idt + 0x32 * 8 + 2], CLIM
    mov ebx, esp
    TRY .in_r
.in_s:
    int 0x32
.in_r:
    mov ecx, esp
    sub ecx, ebx
    print "int 32 -> 0018:beyond: "
    show_trap .in_s
    print " esp+"
    print_dec ecx
    call newline

    println "done"
    exit 0

; ---- Code run in CLIM, from here to lim_end (EIP = OFS(linear)). ----
lim_resume:
    jmp far [cont]

t_jmp:
.s: jmp lim_beyond

t_call:
.s: call lim_beyond

t_je:
    cmp eax, eax
.s: je lim_beyond

t_jne:
    cmp eax, eax
.s: jne lim_beyond
    jmp lim_resume

t_jmp_reg:
    mov eax, OFS(lim_beyond)
.s: jmp eax

t_call_reg:
    mov eax, OFS(lim_beyond)
.s: call eax

t_jmp_mem:
.s: jmp [beyond_ptr]

t_ret:
    push dword OFS(lim_beyond)
    mov ebx, esp
.s: ret

t_ret8:
    push dword OFS(lim_beyond)
    mov ebx, esp
.s: ret 8

t_loop:
    mov ecx, 5
.s: loop lim_beyond

; An indirect jump and a RET to the last byte of the segment are fine; the fetch after
; it is not.
t_last:
    mov eax, OFS(.r)
    jmp eax
.r:
    push dword OFS(lim_end) - 1
    ret

; 1000 indirect calls and returns that stay within the limit.
t_ind:
    xor eax, eax
    mov ecx, 1000
    mov edx, OFS(lim_inc)
.l: call edx
    dec ecx
    jnz .l
    jmp lim_resume

lim_inc:
    inc eax
    ret

straddle:
    mov eax, 0x12345678             ; B8 78 56 34 12
    jmp lim_resume

lim_run:
    nop
    nop
lim_end:
; ---- Beyond the limit. ----
lim_beyond:
    println "reached lim_beyond"
    exit 0x7D
