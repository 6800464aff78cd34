; exc_gp_segment: segment checks on memory accesses at CPL 0 (#GP(0), a
; fault: saved EIP = the instruction, memory and registers unchanged).
; Through ES = a byte-granular data segment with limit 0x12345: a dword at
; 0x12342 is fine, at 0x12343 (last byte past the limit) and at 0x12346
; faults. ES = a read-only data segment: reads work, a write faults. A write
; through a CS override faults (code is never writable), a read through CS
; works (readable code). DS = null: any access through it faults; the
; stack (SS) still works. ES = the expand-down segment (limit 0xFFF, B=1):
; offsets 0x1000 and up are valid, 0xFFF and below fault.
; Not in the shared runner: QEMU 7.2's TCG checks no segment limit or type on
; memory accesses in 32-bit protected mode (every line below reads "no trap"
; under QEMU). The expectations are the SDM's, for bt86 alone.
; expect-exit: 1
; expect: es=limit 0x12345: read [es:0x12342]: no trap
; expect: es=limit 0x12345: read dword [es:0x12343]: #0d err=00000000 eip=site+0
; expect: es=limit 0x12345: write byte [es:0x12346]: #0d err=00000000 eip=site+0
; expect: es=read-only: read: no trap eax=600dcafe
; expect: es=read-only: write: #0d err=00000000 eip=site+0 mem=600dcafe
; expect: cs: read: no trap
; expect: cs: write: #0d err=00000000 eip=site+0 mem=600dcafe
; expect: ds=null: read: #0d err=00000000 eip=site+0
; expect: ds=null: push/pop through ss: no trap
; expect: es=expand-down: read [es:0x100000]: no trap
; expect: es=expand-down: read [es:0xffc]: #0d err=00000000 eip=site+0
; expect: traps=6

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro acc 2+                           ; text, instruction
    TRY %%r
%%s: %2
%%r:
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps
    call setup_xgdt

    mov ax, XBYTELIM
    mov es, ax
    acc "es=limit 0x12345: read [es:0x12342]: ", mov eax, [es:0x12342]
    call newline
    acc "es=limit 0x12345: read dword [es:0x12343]: ", mov eax, [es:0x12343]
    call newline
    acc "es=limit 0x12345: write byte [es:0x12346]: ", mov byte [es:0x12346], 1
    call newline

    mov ax, XRODATA
    mov es, ax
    mov dword [value], 0x600DCAFE
    xor eax, eax
    acc "es=read-only: read: ", mov eax, [es:value]
    print " eax="
    print_hex32 eax
    call newline
    acc "es=read-only: write: ", mov dword [es:value], 0x0BAD0BAD
    print " mem="
    print_hex32 [value]
    call newline
    mov ax, XDATA
    mov es, ax

    acc "cs: read: ", mov eax, [cs:value]
    call newline
    acc "cs: write: ", mov dword [cs:value], 0x0BAD0BAD
    print " mem="
    print_hex32 [value]
    call newline

    ; The TRY bookkeeping writes through DS, so DS is null only around the access (and the
    ; trap handler loads its own DS, as a real one must).
    TRY .nr_resume
    xor eax, eax
    mov ds, ax
.nr_site:
    mov eax, [ds:value]
.nr_resume:
    mov ax, XDATA
    mov ds, ax
    print "ds=null: read: "
    show_trap .nr_site
    call newline
    ; The TRY bookkeeping writes through DS, so DS is null only around the push/pop.
    TRY .pp_resume
    xor eax, eax
    mov ds, ax
.pp_site:
    push dword 5
    pop eax
.pp_resume:
    mov ax, XDATA
    mov ds, ax
    print "ds=null: push/pop through ss: "
    show_trap .pp_site
    call newline

    mov ax, XEXPDOWN
    mov es, ax
    acc "es=expand-down: read [es:0x100000]: ", mov eax, [es:0x100000]
    call newline
    acc "es=expand-down: read [es:0xffc]: ", mov eax, [es:0xFFC]
    call newline
    mov ax, XDATA
    mov es, ax

    print "traps="
    print_dec [trap_count]
    call newline
    exit 0

section .data
value:  dd 0
