; sens_seg_base: segment registers loaded with flat-limit data segments
; whose base is not 0 (0x00200000 and 0x00300000): every memory access
; through them adds the base, with 32-bit wrap-around. Explicit FS/GS/ES
; overrides, DS as the default segment, ES for STOS/MOVS destinations, SS
; for PUSH/POP and EBP-based addresses. After reloading flat selectors the
; accesses are flat again.
; expect-exit: 1
; expect: [fs:0x10] <- 11111111: flat [0x200010]=11111111
; expect: [gs:0x20] <- 22222222: flat [0x300020]=22222222
; expect: [fs:0xfffff000] <- 33333333: flat [0x1ff000]=33333333
; expect: ds=based: [0x30] <- 44444444: flat [0x200030]=44444444; read back 44444444
; expect: es=based: stosd at edi=0x40: flat [0x200040]=55555555 edi=00000044
; expect: ds=based es=based2: movsd 0x50 -> 0x60: flat [0x300060]=66666666
; expect: ss=based: push at esp=0x1000: flat [0x200ffc]=77777777; pop 77777777; [ebp-4] 77777777
; expect: reloaded flat: [0x10]=00000000 [0x200010]=11111111

%include "guest.inc"
%include "idt.inc"
%include "trap.inc"
%include "desc.inc"

main:
    call install_traps
    call setup_xgdt
    mov dword [0x200010], 0
    mov dword [0x10], 0

    mov ax, XBASED
    mov fs, ax
    mov ax, XBASED2
    mov gs, ax
    mov dword [fs:0x10], 0x11111111
    print "[fs:0x10] <- 11111111: flat [0x200010]="
    print_hex32 [0x200010]
    call newline
    mov dword [gs:0x20], 0x22222222
    print "[gs:0x20] <- 22222222: flat [0x300020]="
    print_hex32 [0x300020]
    call newline
    mov ebx, 0xFFFFF000
    mov dword [fs:ebx], 0x33333333
    print "[fs:0xfffff000] <- 33333333: flat [0x1ff000]="
    print_hex32 [0x1FF000]
    call newline

    mov ax, XBASED
    mov ds, ax
    mov dword [0x30], 0x44444444
    mov ecx, [0x30]
    mov ax, XDATA
    mov ds, ax
    print "ds=based: [0x30] <- 44444444: flat [0x200030]="
    print_hex32 [0x200030]
    print "; read back "
    print_hex32 ecx
    call newline

    mov ax, XBASED
    mov es, ax
    mov edi, 0x40
    mov eax, 0x55555555
    stosd
    mov ax, XDATA
    mov es, ax
    print "es=based: stosd at edi=0x40: flat [0x200040]="
    print_hex32 [0x200040]
    print " edi="
    print_hex32 edi
    call newline

    mov dword [0x200050], 0x66666666
    mov ax, XBASED
    mov ds, ax
    mov ax, XBASED2
    mov es, ax
    mov esi, 0x50
    mov edi, 0x60
    movsd
    mov ax, XDATA
    mov ds, ax
    mov es, ax
    print "ds=based es=based2: movsd 0x50 -> 0x60: flat [0x300060]="
    print_hex32 [0x300060]
    call newline

    mov [saved_esp], esp
    mov ax, XBASED
    mov ss, ax
    mov esp, 0x1000
    mov ebp, esp
    push dword 0x77777777
    mov ecx, [ebp - 4]
    pop edx
    mov ax, XDATA
    mov ss, ax
    mov esp, [saved_esp]
    print "ss=based: push at esp=0x1000: flat [0x200ffc]="
    print_hex32 [0x200FFC]
    print "; pop "
    print_hex32 edx
    print "; [ebp-4] "
    print_hex32 ecx
    call newline

    mov ax, XDATA
    mov fs, ax
    mov gs, ax
    print "reloaded flat: [0x10]="
    print_hex32 [fs:0x10]
    print " [0x200010]="
    print_hex32 [gs:0x200010]
    call newline
    exit 0

section .bss
saved_esp:  resd 1
