; uart_irq: COM1's 16550A interrupts: the THR empty interrupt on IRQ4
; (vector 0x24, master 8259A), IIR identification with and without the
; FIFOs, and in loopback mode the received-data interrupt's identification
; and priority (polled). MCR OUT2 is set whenever IRQ4 is expected (on a PC
; it enables the UART's IRQ driver). The transcript's own text goes out
; polled with IER=0, so it causes no interrupt.
;
; 16550A datasheet, as checked:
; - IER bits 4-7 are always 0.
; - THRE interrupt: with THR empty, setting IER bit 1 requests it; reading
;   IIR when it names THRE clears it, and so does writing THR; it comes back
;   when the THR empties again. Each IRQ4 handler reads IIR twice: the first
;   read gives 0x02 (FIFOs off) or 0xC2 (FIFOs on: bits 7:6 = 11), the
;   second 0x01 / 0xC1 (nothing pending). One interrupt per request: IER=2,
;   then a THR write (a '*' in the transcript), gives exactly two.
; - Loopback (MCR bit 4): the transmitter feeds the receiver and the modem
;   outputs feed the inputs: MCR = LOOP|OUT2|RTS gives MSR 7:4 = 1001 (DCD
;   and CTS), Linux's 8250 existence test. A byte written comes back in RBR
;   with LSR.DR; with IER=1 IIR reads 0x04 (0xC4 with FIFOs), and after RBR
;   is read 0x01. With IER=3 both the received data and THR empty are
;   pending: IIR gives received data first (priority 2), after RBR is read
;   THRE (priority 3), after that IIR read nothing. In loopback, IRQ4 is
;   not used: the PC's OUT2 pin is forced inactive in loopback, which cuts
;   the IRQ line on real boards, while QEMU 7.2 still raises IRQ4 then.
;   The divisor is set to 0x1000 (28 baud) for the FIFO part, so that the
;   4-character timeout (IIR 0xCC, 1.4 s away) cannot come first; it is
;   restored afterwards.
; Left out: OUT2=0 gating IRQ4 off (QEMU 7.2 ignores OUT2 and raises IRQ4
; regardless).
; expect-exit: 1
; expect: ier: wrote ff, read 0f
; expect: THRE, fifos off: 1 interrupt: 02/01
; expect: THRE, fifos on: 1 interrupt: c2/c1
; expect: THRE then THR write: * 2 interrupts: c2/c1 c2/c1
; expect: loopback: msr 7:4 with rts|out2: 90
; expect: loopback, fifos off: iir 04 rbr 5a lsr.dr 1, then iir 01 lsr.dr 0
; expect: loopback, fifos on: iir c4 rbr a5, then iir c1
; expect: loopback, ier=3: iir 04, rbr 3c, iir 02, iir 01

%include "guest.inc"
%include "idt.inc"
%include "pc.inc"

COM1_THR    equ 0x3F8
COM1_IER    equ 0x3F9
COM1_IIR    equ 0x3FA               ; read: IIR, write: FCR
COM1_LCR    equ 0x3FB
COM1_MCR    equ 0x3FC
COM1_LSR    equ 0x3FD
COM1_MSR    equ 0x3FE

%macro uart_out 2                   ; register %1 = %2 (AL, DX clobbered)
    mov dx, %1
    mov al, %2
    out dx, al
%endmacro

%macro uart_in 1                    ; AL = register %1 (DX clobbered)
    mov dx, %1
    in al, dx
%endmacro

main:
    call setup_gdt
    gate VEC_MASTER + 4, irq4, GATE_INTR
    call load_idt
    call pic_init                   ; all masked while IER is played with
    uart_in COM1_MCR
    mov [mcr_saved], al

    ; --- IER reserved bits ----------------------------------------------------
    uart_out COM1_IER, 0xFF
    uart_in COM1_IER
    mov bl, al
    uart_out COM1_IER, 0
    uart_in COM1_IIR                ; whatever that requested is gone
    uart_in COM1_LSR
    uart_in COM1_MSR
    print "ier: wrote ff, read "
    print_hex8 bl
    call newline
    call pic_init                   ; forget requests latched meanwhile

    mov al, [mcr_saved]
    or al, 0x08                     ; OUT2
    mov dx, COM1_MCR
    out dx, al
    mov al, 0xEF                    ; IRQ4 only
    out PIC1_DATA, al
    sti

    ; --- THRE, FIFOs off and on ----------------------------------------------
    uart_out COM1_IIR, 0x00         ; FCR: FIFOs off
    call log_reset
    uart_out COM1_IER, 0x02
    call settle
    uart_out COM1_IER, 0
    print "THRE, fifos off: "
    call print_log

    uart_out COM1_IIR, 0x07         ; FCR: FIFOs on and cleared, trigger 1
    call log_reset
    uart_out COM1_IER, 0x02
    call settle
    uart_out COM1_IER, 0
    print "THRE, fifos on: "
    call print_log

    print "THRE then THR write: "
    call log_reset
    uart_out COM1_IER, 0x02
    call settle
    uart_out COM1_THR, '*'
    call settle
    uart_out COM1_IER, 0
    print " "
    call print_log
    cli

    ; --- loopback (IF=0, polled) -------------------------------------------------
    ; In loopback the transmitter's output does not leave the UART: nothing
    ; can be printed until loopback is off again, so every value is kept in
    ; `seen` and printed at the end.
    mov al, 0xFF
    out PIC1_DATA, al
    mov al, [mcr_saved]
    and al, 0xE0
    or al, 0x1A                     ; LOOP | OUT2 | RTS
    mov dx, COM1_MCR
    out dx, al
    uart_in COM1_MSR
    and al, 0xF0
    mov [seen + 0], al
    mov al, [mcr_saved]
    and al, 0xE0
    or al, 0x18                     ; LOOP | OUT2
    mov dx, COM1_MCR
    out dx, al

    ; FIFOs off, IER=1.
    uart_out COM1_IIR, 0x00
    uart_out COM1_IER, 0x01
    uart_out COM1_THR, 0x5A
    call wait_dr
    uart_in COM1_LSR
    mov [seen + 12], al
    uart_in COM1_IIR
    mov [seen + 1], al
    uart_in COM1_THR                ; RBR
    mov [seen + 2], al
    uart_in COM1_IIR
    mov [seen + 3], al
    uart_in COM1_LSR
    mov [seen + 4], al
    uart_out COM1_IER, 0

    ; FIFOs on, at 28 baud.
    uart_out COM1_LCR, 0x83         ; DLAB=1, 8N1
    uart_in COM1_THR                ; DLL
    mov [dll_saved], al
    uart_in COM1_IER                ; DLM
    mov [dlm_saved], al
    uart_out COM1_THR, 0x00         ; divisor 0x1000: 28 baud
    uart_out COM1_IER, 0x10
    uart_out COM1_LCR, 0x03
    uart_out COM1_IIR, 0x07
    uart_out COM1_IER, 0x01
    uart_out COM1_THR, 0xA5
    call wait_dr
    uart_in COM1_IIR
    mov [seen + 5], al
    uart_in COM1_THR
    mov [seen + 6], al
    uart_in COM1_IIR
    mov [seen + 7], al
    uart_out COM1_IER, 0
    uart_out COM1_IIR, 0x00         ; FIFOs off again
    uart_out COM1_LCR, 0x83
    mov al, [dll_saved]
    mov dx, COM1_THR
    out dx, al
    mov al, [dlm_saved]
    mov dx, COM1_IER
    out dx, al
    uart_out COM1_LCR, 0x03

    ; Both received data and THRE pending (FIFOs off).
    uart_out COM1_IER, 0x03
    uart_in COM1_IIR                ; IER=3 requested THRE: read it away
    uart_out COM1_THR, 0x3C         ; data back in RBR, and THR empty again
    call wait_dr
    uart_in COM1_IIR
    mov [seen + 8], al
    uart_in COM1_THR
    mov [seen + 9], al
    uart_in COM1_IIR
    mov [seen + 10], al
    uart_in COM1_IIR
    mov [seen + 11], al
    uart_out COM1_IER, 0
    mov al, [mcr_saved]
    mov dx, COM1_MCR
    out dx, al                      ; loopback off

    print "loopback: msr 7:4 with rts|out2: "
    print_hex8 [seen + 0]
    call newline
    print "loopback, fifos off: iir "
    print_hex8 [seen + 1]
    print " rbr "
    print_hex8 [seen + 2]
    print " lsr.dr "
    movzx eax, byte [seen + 12]
    and eax, 1
    print_dec eax
    print ", then iir "
    print_hex8 [seen + 3]
    print " lsr.dr "
    movzx eax, byte [seen + 4]
    and eax, 1
    print_dec eax
    call newline
    print "loopback, fifos on: iir "
    print_hex8 [seen + 5]
    print " rbr "
    print_hex8 [seen + 6]
    print ", then iir "
    print_hex8 [seen + 7]
    call newline
    print "loopback, ier=3: iir "
    print_hex8 [seen + 8]
    print ", rbr "
    print_hex8 [seen + 9]
    print ", iir "
    print_hex8 [seen + 10]
    print ", iir "
    print_hex8 [seen + 11]
    call newline
    exit 0

; settle: wait ~3 ms (interrupts, if enabled, get taken meanwhile).
settle:
    push ecx
    mov ecx, 3
    call pit_wait_ms
    pop ecx
    ret

; wait_dr: poll LSR until data ready (bounded).
wait_dr:
    push eax
    push ecx
    push edx
    mov ecx, 10000000
    mov dx, COM1_LSR
.poll:
    in al, dx
    test al, 0x01
    jnz .done
    dec ecx
    jnz .poll
.done:
    pop edx
    pop ecx
    pop eax
    ret

log_reset:
    mov dword [log_len], 0
    ret

; print_log: "<n> interrupt(s): aa/bb ..." and a newline.
print_log:
    push ebx
    print_dec [log_len]
    cmp dword [log_len], 1
    jne .plural
    print " interrupt:"
    jmp .entries
.plural:
    print " interrupts:"
.entries:
    xor ebx, ebx
.next:
    cmp ebx, [log_len]
    jae .done
    print " "
    print_hex8 [log + ebx * 2]
    print "/"
    print_hex8 [log + ebx * 2 + 1]
    inc ebx
    jmp .next
.done:
    call newline
    pop ebx
    ret

; IRQ4: log IIR read twice, EOI.
irq4:
    push eax
    push ebx
    push edx
    mov dx, COM1_IIR
    in al, dx
    mov ah, al
    in al, dx
    mov ebx, [log_len]
    cmp ebx, 8
    jae .full
    mov [log + ebx * 2], ah
    mov [log + ebx * 2 + 1], al
.full:
    inc dword [log_len]
    mov al, OCW2_EOI
    out PIC1, al
    pop edx
    pop ebx
    pop eax
    iret

section .bss
log_len:    resd 1
log:        resb 16
seen:       resb 16
mcr_saved:  resd 1
dll_saved:  resd 1
dlm_saved:  resd 1
