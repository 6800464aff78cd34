; sens_tour: one pass over most rows of the sensitive-instruction table, for the
; sensitive-instruction report (README, docs/SENSITIVE_REPORT.md): descriptor-table
; registers, LDTR and TR, CR0/CR3/CR4, DR7, MSRs, CPUID, RDTSC, flags, segment loads and
; stores, LAR/LSL/VERR/VERW, far CALL/JMP/RET and a call gate, INT n/INT3/INTO/IRET, port
; I/O including the string forms, cache control, ARPL, BOUND and the BCD instructions.
; It prints only what every correct CPU agrees on.
; expect-exit: 1
; expect: descriptor tables and system registers done
; expect: flags and segments done
; expect: probes: lar=1 lsl=1 verr=1 verw=0
; expect: far transfers and interrupts done
; expect: port i/o done
; expect: tour done

%include "guest.inc"
%include "idt.inc"
%include "desc.inc"

section .bss
scratch:    resb 64
far_ptr:    resb 6
bounds:     resd 2

section .text
main:
    call setup_xgdt
    gate 0x30, iret_handler, GATE_INTR
    gate 3, iret_handler, GATE_TRAP
    gate 4, iret_handler, GATE_TRAP
    call load_idt

    ; Descriptor-table registers, LDTR, TR, control and debug registers, MSRs.
    sgdt [scratch]
    sidt [scratch + 8]
    mov ax, XLDT
    lldt ax
    sldt ax
    mov ax, XTSS
    ltr ax
    str ax
    smsw ax
    lmsw ax
    clts
    mov eax, cr0
    mov cr0, eax
    mov eax, cr3
    mov cr3, eax
    mov eax, cr4
    mov cr4, eax
    mov eax, dr7
    mov dr7, eax
    mov ecx, 0x174                  ; SYSENTER_CS
    rdmsr
    wrmsr
    xor eax, eax
    cpuid
    rdtsc
    invd
    wbinvd
    invlpg [scratch]
    println "descriptor tables and system registers done"

    ; Flags and segment registers.
    pushfd
    cli
    sti
    popfd
    push ds
    pop ds
    push es
    pop es
    push fs
    push gs
    pop gs
    pop fs
    mov ax, ds
    mov es, ax
    mov dword [far_ptr], scratch
    mov word [far_ptr + 4], XDATA
    lds esi, [far_ptr]
    les edi, [far_ptr]
    lfs ebx, [far_ptr]
    lgs ebx, [far_ptr]
    mov word [scratch + 16], XDATA3
    mov ax, XDATA
    arpl [scratch + 16], ax
    mov dword [bounds], 0
    mov dword [bounds + 4], 10
    mov eax, 5
    bound eax, [bounds]
    mov al, 0x19
    add al, 0x28
    daa
    aaa
    println "flags and segments done"

    ; LAR/LSL/VERR/VERW read the guest's GDT.
    mov ax, XDATA
    lar ebx, ax
    setz bl
    lsl ecx, ax
    setz cl
    verr ax
    setz dl
    mov ax, XCONFX                  ; execute-only conforming code: not writable
    verw ax
    setz dh
    print "probes: lar="
    movzx eax, bl
    print_dec eax
    print " lsl="
    movzx eax, cl
    print_dec eax
    print " verr="
    movzx eax, dl
    print_dec eax
    print " verw="
    movzx eax, dh
    print_dec eax
    call newline

    ; Far transfers and interrupts.
    call XCODE2:far_target
    jmp XCODE2:.jumped
.jumped:
    call XCGATE:0
    int 0x30
    int3
    mov al, 0x7f
    add al, 1                       ; OF=1
    into
    println "far transfers and interrupts done"

    ; Port I/O: COM1's scratch register (0x3ff) reads back what is written.
    mov dx, 0x3ff
    mov al, 0x5a
    out dx, al
    in al, dx
    mov esi, scratch
    mov ecx, 4
    cld
    rep outsb
    mov edi, scratch + 32
    mov ecx, 4
    rep insb
    println "port i/o done"
    println "tour done"
    exit 0

far_target:
    retf

iret_handler:
    iret
