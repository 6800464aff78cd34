; i8042: the PC keyboard controller (data port 0x60, status/command port
; 0x64), the PS/2 keyboard behind it, and port 0x92 (system control port A).
; Polled only, with the controller's interrupts off and the PIC masked.
; Before each write the test waits for status bit 1 (IBF, input buffer
; full) to clear; before each read it waits for bit 0 (OBF) to be set, with a
; bound, and prints "--" if nothing came.
;
; What is checked (IBM PC/AT technical reference, 8042 firmware commands):
; - 0xAA controller self-test answers 0x55; 0xAB keyboard interface test
;   answers 0x00 (no error).
; - 0x20 reads the command byte: the value the firmware left is printed
;   (QEMU + SeaBIOS's). 0x60 writes it; it reads back as written (0x74: SYS
;   flag, both interfaces disabled, translation on, no interrupts; then 0x34
;   without translation), and status bit 2 (system flag) follows its bit 2.
; - 0xD2 (write keyboard output buffer): the next data byte comes back from
;   port 0x60 as if from the keyboard: OBF set, bit 5 (aux data) clear; read
;   clears OBF. 0xD3 (write auxiliary output buffer): the same with bit 5 set.
; - Keyboard (interface enabled, translation off): 0xFF reset answers 0xFA
;   (ack) then 0xAA (self-test passed); 0xEE echo answers 0xEE.
; - 0xD0 reads the output port: bit 0 (1 = not resetting the CPU) and bit 1
;   (A20 gate) are 1; 0xD1 0xDF (A20 on, no reset, as A20 enable code does)
;   leaves them so. Only bits 0-1 are printed (the others mirror buffer and
;   line states).
; - Port 0x92: bit 1 (A20) is 1, bit 0 (fast reset) 0; writing back the same
;   value keeps them. (A20 off or a reset are not tried: the guest runs at
;   1 MiB, and the runner passes -no-reboot.)
; At the end the command byte the firmware left is written back.
; Left out: status bit 3 (command/data: which port the last write went to).
; QEMU 7.2 always reads it as 1.
; expect-exit: 1
; expect: self-test aa: 55, interface test ab: 00
; expect: command byte: 61
; expect: wrote 74: read 74 status.sys 1, wrote 34: read 34
; expect: d2 5a: status obf 1 aux 0, read 5a, then obf 0
; expect: d3 a7: status obf 1 aux 1, read a7, then obf 0
; expect: keyboard reset ff: fa aa, echo ee: ee
; expect: output port bits 1:0: 03, after d1 df: 03
; expect: port 92 bits 1:0: 02, after writing back: 02

%include "guest.inc"

KBC_DATA    equ 0x60
KBC_STATUS  equ 0x64                ; read: status
KBC_CMD     equ 0x64                ; write: command
PORT92      equ 0x92

main:
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    call kbc_flush

    print "self-test aa: "
    mov al, 0xAA
    call kbc_command
    call kbc_read_print
    print ", interface test ab: "
    mov al, 0xAB
    call kbc_command
    call kbc_read_print
    call newline

    mov al, 0x20
    call kbc_command
    call kbc_read
    mov [cmd_saved], al
    print "command byte: "
    call print_byte
    call newline

    print "wrote 74: read "
    mov bl, 0x74
    call write_cmd_byte
    mov al, 0x20
    call kbc_command
    call kbc_read_print
    print " status.sys "
    in al, KBC_STATUS
    shr al, 2
    and eax, 1
    print_dec eax
    print ", wrote 34: read "
    mov bl, 0x34
    call write_cmd_byte
    mov al, 0x20
    call kbc_command
    call kbc_read_print
    call newline

    print "d2 5a: "
    mov al, 0xD2
    mov bl, 0x5A
    call echo_through
    print "d3 a7: "
    mov al, 0xD3
    mov bl, 0xA7
    call echo_through

    ; Keyboard interface on (command byte 0x24: SYS, aux disabled), then
    ; reset and echo, each answer read as it comes.
    mov bl, 0x24
    call write_cmd_byte
    print "keyboard reset ff: "
    mov al, 0xFF
    call kbc_data
    call kbc_read_print
    print " "
    call kbc_read_print
    print ", echo ee: "
    mov al, 0xEE
    call kbc_data
    call kbc_read_print
    call newline

    print "output port bits 1:0: "
    mov al, 0xD0
    call kbc_command
    call kbc_read
    and al, 0x03
    call print_byte
    print ", after d1 df: "
    mov al, 0xD1
    call kbc_command
    mov al, 0xDF
    call kbc_data
    mov al, 0xD0
    call kbc_command
    call kbc_read
    and al, 0x03
    call print_byte
    call newline

    print "port 92 bits 1:0: "
    in al, PORT92
    mov bl, al
    and al, 0x03
    print_hex8 al
    mov al, bl
    and al, ~0x01                   ; never the fast reset bit
    out PORT92, al
    in al, PORT92
    and al, 0x03
    print ", after writing back: "
    print_hex8 al
    call newline

    mov bl, [cmd_saved]
    call write_cmd_byte
    call kbc_flush
    exit 0

; echo_through: AL = 0xD2 or 0xD3, BL = byte. Prints "status obf o aux a,
; read xx, then obf o" and a newline.
echo_through:
    call kbc_command
    mov al, bl
    call kbc_data
    call wait_obf
    in al, KBC_STATUS
    mov bh, al
    print "status obf "
    movzx eax, bh
    and eax, 1
    print_dec eax
    print " aux "
    movzx eax, bh
    shr eax, 5
    and eax, 1
    print_dec eax
    print ", read "
    call kbc_read_print
    print ", then obf "
    in al, KBC_STATUS
    and eax, 1
    print_dec eax
    call newline
    ret

; write_cmd_byte: command byte = BL.
write_cmd_byte:
    mov al, 0x60
    call kbc_command
    mov al, bl
    jmp kbc_data

; wait_ibe: wait until the input buffer is empty (bounded).
wait_ibe:
    push eax
    push ecx
    mov ecx, 1000000
.poll:
    in al, KBC_STATUS
    test al, 0x02
    jz .done
    dec ecx
    jnz .poll
.done:
    pop ecx
    pop eax
    ret

; wait_obf: wait until the output buffer is full (bounded). ZF=0 if full.
wait_obf:
    push eax
    push ecx
    mov ecx, 1000000
.poll:
    in al, KBC_STATUS
    test al, 0x01
    jnz .done
    dec ecx
    jnz .poll
.done:
    pop ecx
    pop eax
    ret

kbc_command:                        ; AL = command to port 0x64
    call wait_ibe
    out KBC_CMD, al
    ret

kbc_data:                           ; AL = byte to port 0x60
    call wait_ibe
    out KBC_DATA, al
    ret

; kbc_read: AL = next byte from port 0x60; CF=1 (AL=0) if none came.
kbc_read:
    call wait_obf
    jz .none
    in al, KBC_DATA
    clc
    ret
.none:
    xor al, al
    stc
    ret

kbc_read_print:                     ; read a byte and print it, or "--"
    call kbc_read
    jc .none
    print_hex8 al
    ret
.none:
    print "--"
    ret

print_byte:                         ; AL in hex
    print_hex8 al
    ret

kbc_flush:                          ; drop whatever waits in the output buffer
    push eax
    push ecx
    mov ecx, 32
.next:
    in al, KBC_STATUS
    test al, 0x01
    jz .done
    in al, KBC_DATA
    dec ecx
    jnz .next
.done:
    pop ecx
    pop eax
    ret

section .bss
cmd_saved:  resd 1
