; sens_iret: IRET at CPL 0 to CPL 0 (no stack switch) pops EIP, CS and
; EFLAGS: the arithmetic flags, DF, IF, IOPL, AC and ID all come from the
; popped image (printed without bit 1, which always reads 1), and CS may change to another flat code segment. A popped
; CS that is null, a data segment, or beyond the GDT limit raises #GP with
; the selector (0 for null) and leaves ESP as it was (12 bytes of frame
; still pushed); a not-present code segment raises #NP(sel). The PIC is masked, so IF=1 lets nothing in.
; expect-exit: 1
; expect: iret flags 00000ed7: 00000ed5 cs=0008
; expect: iret flags 00003246 (IOPL 3): 00003244 cs=0008
; expect: iret flags 00240002 (AC ID): 00240000
; expect: iret to XCODE2: cs=00a0 eax=0000a0a0
; expect: iret cs=0: #0d err=00000000 eip=site+0 esp moved 12
; expect: iret cs=XDATA: #0d err=00000010 eip=site+0 esp moved 12
; expect: iret cs=0x1f8 (beyond limit): #0d err=000001f8 eip=site+0
; expect: iret cs=XNP (data, not present): #0d err=00000030 eip=site+0
; expect: iret cs=XCODE2 marked not present: #0b err=000000a0 eip=site+0
; expect: 1000 iret in a loop: ecx=00000000

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

%macro iret_flags 2                     ; text, flags image
    push dword %2
    push dword XCODE
    push dword %%back
    iret
%%back:
    pushfd
    cld
    cli
    pop eax
    and eax, ~2
    print %1
    print_hex32 eax
%endmacro

%macro iret_fault 2                     ; text, CS
    mov ebx, esp
    push dword 0x00000002
    push dword %2
    push dword %%r
    TRY %%r
%%s: iret
%%r:
    mov ecx, ebx
    sub ecx, esp
    mov esp, ebx
    print %1
    show_trap %%s
%endmacro

main:
    call install_traps
    call setup_xgdt
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al

    iret_flags "iret flags 00000ed7: ", 0x00000ED7
    mov ax, cs
    print " cs="
    print_hex16 ax
    call newline
    iret_flags "iret flags 00003246 (IOPL 3): ", 0x00003246
    mov ax, cs
    print " cs="
    print_hex16 ax
    call newline
    push dword 0x00000002
    popfd
    iret_flags "iret flags 00240002 (AC ID): ", 0x00240002
    call newline
    push dword 0x00000002
    popfd

    mov eax, 0xA0A0
    push dword 0x00000002
    push dword XCODE2
    push dword .in_code2
    iret
.in_code2:
    mov bx, cs
    jmp XCODE:.back
.back:
    print "iret to XCODE2: cs="
    print_hex16 bx
    print " eax="
    print_hex32 eax
    call newline

    iret_fault "iret cs=0: ", 0
    print " esp moved "
    print_dec ecx
    call newline
    iret_fault "iret cs=XDATA: ", XDATA
    print " esp moved "
    print_dec ecx
    call newline
    iret_fault "iret cs=0x1f8 (beyond limit): ", 0x1F8
    call newline
    iret_fault "iret cs=XNP (data, not present): ", XNP
    call newline
    and byte [xgdt + XCODE2 + 5], 0x7F
    iret_fault "iret cs=XCODE2 marked not present: ", XCODE2
    call newline
    or byte [xgdt + XCODE2 + 5], 0x80

    mov ecx, 1000
.loop:
    push dword 0x00000002
    push dword XCODE
    push dword .next
    iret
.next:
    loop .loop
    print "1000 iret in a loop: ecx="
    print_hex32 ecx
    call newline
    exit 0
