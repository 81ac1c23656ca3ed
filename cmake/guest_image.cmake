# add_guest_image(): builds a guest ELF with clang + lld (filled in with the arm64 guest code).
