; exc_ss_segment: limit checks on the stack segment and on the operands the
; monitor reads and writes itself (string instructions, LGDT/SGDT), at CPL 0.
;
; SS = an expand-up data segment whose limit is the last byte of `tstack`
; (T = tstack_end). Every stack access past the limit is #SS(0), a fault:
; the saved EIP is the instruction, ESP and the other registers are unchanged
; (SDM Vol. 3A 6.15, interrupt 12; POP, RET, POPAD, LEAVE, POPFD, POP Sreg
; all list "#SS(0) if ... outside the stack segment limit"). The handler's
; own frame (12 bytes below ESP) fits, so each fault is delivered normally.
; Explicit SS-relative operands (EBP/ESP based, or an SS override) are
; checked the same way. SS = an expand-down segment whose limit is tstack-1:
; offsets tstack.. are valid; [ss:tstack-4] is #SS(0).
; ES = XBYTELIM (limit 0x12345): REP MOVSB with EDI = 0x12340, ECX = 10
; copies 6 bytes (0x12340..0x12345) and faults #GP(0) on the 7th with
; ECX = 4, EDI = 0x12346 (a REP string instruction faults with its registers
; reflecting the iterations done, SDM "REP" and 6.6). SGDT [es:0x12340] (6
; bytes, last 0x12345) works; SGDT [es:0x12341] and LGDT [es:0x12343] are
; #GP(0) and leave memory and GDTR unchanged.
; Not in the shared runner: QEMU 7.2's TCG does no limit checks on data or
; stack accesses in 32-bit protected mode (every line would read "no trap").
; The expectations are the SDM's, for bt86 alone.
; expect-exit: 1
; expect: ss=limit T-1: push [T-4]: no trap
; expect: ss=limit T-1: pop at T-2: #0c err=00000000 eip=site+0 esp=T-2
; expect: ss=limit T-1: mov eax,[esp+6] at T-8: #0c err=00000000 eip=site+0
; expect: ss=limit T-1: ret at T-3: #0c err=00000000 eip=site+0 esp=T-3
; expect: ss=limit T-1: popad at T-16: #0c err=00000000 eip=site+0 eax=a5a5a5a5 esp=T-16
; expect: ss=limit T-1: leave (ebp=T-2): #0c err=00000000 eip=site+0 esp=T-64
; expect: ss=limit T-1: popfd at T-2: #0c err=00000000 eip=site+0
; expect: ss=limit T-1: pop es at T-2: #0c err=00000000 eip=site+0
; expect: ss=limit T-1: mov eax,[ebp] (ebp=T): #0c err=00000000 eip=site+0
; expect: ss=limit T-1: call/ret inside: no trap eax=00000007
; expect: ss=expand-down: read [ss:tstack]: no trap
; expect: ss=expand-down: read [ss:tstack-4]: #0c err=00000000 eip=site+0
; expect: es=limit 0x12345: rep movsb: #0d err=00000000 eip=site+0 ecx=00000004 edi=00012346
; expect: es=limit 0x12345: sgdt [es:0x12340]: no trap
; expect: es=limit 0x12345: sgdt [es:0x12341]: #0d err=00000000 eip=site+0
; expect: es=limit 0x12345: lgdt [es:0x12343]: #0d err=00000000 eip=site+0
; expect: traps=12

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

XSSLIM      equ XBASED2         ; the descriptor slot this test rewrites

; set_xsslim: EAX = low dword, EDX = high dword of the descriptor at XSSLIM.
set_xsslim:
    mov [xgdt + XSSLIM], eax
    mov [xgdt + XSSLIM + 4], edx
    ret

; SS = limited stack (ESP = %1) for the next access; the trap frame fits below.
%macro limited_ss 1
    mov ss, [sel_limited]       ; no register changes: the accesses' registers are checked
    mov esp, %1
%endmacro

; Back to the flat stack (saved in flat_esp).
%macro flat_ss 0
    mov ss, [sel_flat]
    mov esp, [flat_esp]
%endmacro

; stk "text", esp, instruction: arm, run on the limited stack at ESP = esp, report.
%macro stk 3+                   ; text, esp, instruction
    TRY %%r
    limited_ss %2
%%s: %3
%%r:
    mov [fault_esp], esp
    flat_ss
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps
    call setup_xgdt
    mov [flat_esp], esp

    ; Expand-up, G=1, B=1, writable (type 2), limit = tstack_end - 1.
    mov eax, tstack_end
    shr eax, 12
    dec eax                     ; raw 20-bit limit (pages - 1)
    mov edx, eax
    and eax, 0xFFFF
    and edx, 0xF0000
    or edx, 0x00C09200
    call set_xsslim
    lgdt [xgdtr]

    stk "ss=limit T-1: push [T-4]: ", tstack_end, push dword 1
    call newline
    stk "ss=limit T-1: pop at T-2: ", tstack_end - 2, pop ebx
    call print_esp
    call newline
    stk "ss=limit T-1: mov eax,[esp+6] at T-8: ", tstack_end - 8, mov eax, [esp + 6]
    call newline
    stk "ss=limit T-1: ret at T-3: ", tstack_end - 3, ret
    call print_esp
    call newline
    mov eax, 0xA5A5A5A5
    stk "ss=limit T-1: popad at T-16: ", tstack_end - 16, popad
    print " eax="
    print_hex32 eax
    call print_esp
    call newline
    mov ebp, tstack_end - 2
    stk "ss=limit T-1: leave (ebp=T-2): ", tstack_end - 64, leave
    call print_esp
    call newline
    stk "ss=limit T-1: popfd at T-2: ", tstack_end - 2, popfd
    call newline
    stk "ss=limit T-1: pop es at T-2: ", tstack_end - 2, pop es
    call newline
    mov ebp, tstack_end
    stk "ss=limit T-1: mov eax,[ebp] (ebp=T): ", tstack_end - 64, mov eax, [ebp]
    call newline
    xor eax, eax
    stk "ss=limit T-1: call/ret inside: ", tstack_end - 4, call seven
    print " eax="
    print_hex32 eax
    call newline

    ; Expand-down, G=1, B=1, writable (type 6), limit = tstack - 1: offsets >= tstack valid.
    mov eax, tstack
    shr eax, 12
    dec eax
    mov edx, eax
    and eax, 0xFFFF
    and edx, 0xF0000
    or edx, 0x00C09600
    call set_xsslim
    lgdt [xgdtr]
    stk "ss=expand-down: read [ss:tstack]: ", tstack_end - 64, mov eax, [ss:tstack]
    call newline
    stk "ss=expand-down: read [ss:tstack-4]: ", tstack_end - 64, mov eax, [ss:tstack - 4]
    call newline

    mov ax, XBYTELIM
    mov es, ax
    cld
    mov esi, src_bytes
    mov edi, 0x12340
    mov ecx, 10
    TRY .mv_r
.mv_s:
    rep movsb
.mv_r:
    print "es=limit 0x12345: rep movsb: "
    show_trap .mv_s
    print " ecx="
    print_hex32 ecx
    print " edi="
    print_hex32 edi
    call newline

    TRY .sg1_r
.sg1_s:
    sgdt [es:0x12340]
.sg1_r:
    print "es=limit 0x12345: sgdt [es:0x12340]: "
    show_trap .sg1_s
    call newline
    TRY .sg2_r
.sg2_s:
    sgdt [es:0x12341]
.sg2_r:
    print "es=limit 0x12345: sgdt [es:0x12341]: "
    show_trap .sg2_s
    call newline
    TRY .lg_r
.lg_s:
    lgdt [es:0x12343]
.lg_r:
    print "es=limit 0x12345: lgdt [es:0x12343]: "
    show_trap .lg_s
    call newline
    mov ax, XDATA
    mov es, ax

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

seven:
    mov eax, 7
    ret

; " esp=T-n" for the ESP the last access left (T = tstack_end).
print_esp:
    print " esp=T-"
    mov eax, tstack_end
    sub eax, [fault_esp]
    call put_dec
    ret

section .data
src_bytes:  db "0123456789"
flat_esp:   dd 0
sel_limited: dw XSSLIM
sel_flat:   dw XDATA
fault_esp:  dd 0

section .bss
alignb 4096
tstack:     resb 8192
tstack_end:
