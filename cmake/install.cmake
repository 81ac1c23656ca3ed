# `cmake --install`: the program in bin/, its guest images, the kernel-tree compatibility layer
# and the bundled scenarios in share/patchcheck/, the manual page in share/man/man1/; and CPack's
# Debian package of the same files (`cpack -G DEB` in the build directory).
install(TARGETS patchcheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PATCHCHECK_GUEST_DIR}/ DESTINATION ${PATCHCHECK_INSTALL_DATADIR}/guest
        FILES_MATCHING PATTERN "*.elf")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${PATCHCHECK_INSTALL_DATADIR}/scenarios)

# What a scenario's own code and a kernel tree are built into a bundled image with: each image's
# recipe (toolchain/toolchain.c) with the source and build trees it names written as @DATA@,
# its objects, the headers and linker scripts of its include directories, and the
# kernel-tree compatibility layer (models/<arch>/kernel/, models/common/kernel/).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/ DESTINATION ${PATCHCHECK_INSTALL_DATADIR}/models
        FILES_MATCHING PATTERN "*.h" PATTERN "*.ld" REGEX "/kernel/.*")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/patcher/ DESTINATION ${PATCHCHECK_INSTALL_DATADIR}/patcher
        FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${CMAKE_BINARY_DIR}/models/ DESTINATION ${PATCHCHECK_INSTALL_DATADIR}/objects/models
        FILES_MATCHING PATTERN "*.o" PATTERN "CMakeFiles" EXCLUDE)
install(CODE "
  set(data \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${PATCHCHECK_INSTALL_DATADIR}\")
  file(GLOB_RECURSE recipes RELATIVE \"${PATCHCHECK_GUEST_DIR}\" \"${PATCHCHECK_GUEST_DIR}/*.recipe\")
  foreach(recipe IN LISTS recipes)
    file(READ \"${PATCHCHECK_GUEST_DIR}/\${recipe}\" text)
    string(REGEX REPLACE \"cflag -fdebug-prefix-map=[^\\n]*\\n\" \"\" text \"\${text}\")
    string(REPLACE \"${CMAKE_BINARY_DIR}/\" \"@DATA@/objects/\" text \"\${text}\")
    string(REPLACE \"${PROJECT_SOURCE_DIR}/\" \"@DATA@/\" text \"\${text}\")
    message(STATUS \"Installing: \${data}/guest/\${recipe}\")
    file(WRITE \"\${data}/guest/\${recipe}\" \"\${text}\")
  endforeach()
")
install(FILES ${PROJECT_SOURCE_DIR}/doc/patchcheck.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(CPACK_PACKAGE_NAME patchcheck)
set(CPACK_PACKAGE_VENDOR patchcheck)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "verifies live code patching at the instruction level on emulated harts")
set(CPACK_PACKAGE_CONTACT "patchcheck maintainers <patchcheck@invalid>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # Depends: from the libraries the program links
# A scenario's own code and a kernel tree are compiled with clang and linked with lld.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "clang-14, lld-14, llvm-14")
include(CPack)
