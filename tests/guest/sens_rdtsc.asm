; sens_rdtsc: RDTSC at CPL 0 (CR4.TSD=0 and =1: at CPL 0 TSD does not
; matter): two reads in a row strictly increase (64-bit compare), a read
; after a delay loop is larger still, and only EDX:EAX change.
; expect-exit: 1
; expect: rdtsc twice: increasing yes
; expect: after a loop: increasing yes
; expect: with CR4.TSD=1 at CPL 0: increasing yes
; expect: ebx=bbbbbbbb ecx=00000000 esi=51515151 edi=d1d1d1d1

%include "guest.inc"

; cmp64: is EDX:EAX > [prev_hi]:[prev_lo]? prints yes/no, then stores it.
cmp64:
    cmp edx, [prev_hi]
    ja .yes
    jb .no
    cmp eax, [prev_lo]
    ja .yes
.no:
    print "no"
    jmp .store
.yes:
    print "yes"
.store:
    mov [prev_lo], eax
    mov [prev_hi], edx
    call newline
    ret

main:
    mov ebx, 0xBBBBBBBB
    mov esi, 0x51515151
    mov edi, 0xD1D1D1D1
    rdtsc
    mov [prev_lo], eax
    mov [prev_hi], edx
    rdtsc
    print "rdtsc twice: increasing "
    call cmp64

    mov ecx, 100000
.delay:
    loop .delay
    rdtsc
    print "after a loop: increasing "
    call cmp64

    mov eax, cr4
    or eax, 1 << 2
    mov cr4, eax
    rdtsc
    print "with CR4.TSD=1 at CPL 0: increasing "
    call cmp64
    mov eax, cr4
    and eax, ~(1 << 2)
    mov cr4, eax

    print "ebx="
    print_hex32 ebx
    print " ecx="
    print_hex32 ecx
    print " esi="
    print_hex32 esi
    print " edi="
    print_hex32 edi
    call newline
    exit 0

section .bss
prev_lo:    resd 1
prev_hi:    resd 1
