# Build options for development, CI and packaging (README, "Build options").
#
#   SQMS_WERROR    warnings in project code are errors. ON for development and
#                  CI (make test builds every configuration with it); packagers
#                  building with a compiler we have not tried set it OFF, so a
#                  new warning is reported instead of failing the package.
#   SQMS_SANITIZE  comma-separated -fsanitize= list for the whole build, e.g.
#                  address,undefined (make test's sanitizer build). Any finding
#                  aborts the process, so the test that hit it fails.
#   ccache         used as the compiler launcher when it is installed, unless
#                  CMAKE_CXX_COMPILER_LAUNCHER is given.
#   clang          project code is also checked with -Wthread-safety, so
#                  ABSL_GUARDED_BY and friends are enforced, not decoration.
option(SQMS_WERROR "Treat warnings in project code as errors (OFF for packagers)" ON)
set(SQMS_SANITIZE "" CACHE STRING "Sanitizers for the whole build, e.g. address,undefined")

if(NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(SQMS_CCACHE ccache)
  if(SQMS_CCACHE)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${SQMS_CCACHE})
  endif()
endif()

# Project code only (targets add it PRIVATE); generated and third-party code
# is not held to it.
set(SQMS_WARNINGS -Wall -Wextra)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND SQMS_WARNINGS -Wthread-safety)
endif()
if(SQMS_WERROR)
  list(APPEND SQMS_WARNINGS -Werror)
  # GCC 12.1/12.2 at -O3 (Release) report a bogus -Wrestrict inside
  # std::string's assignment of a one-character literal (GCC bug 105329,
  # fixed in 12.3): still shown, no longer fatal, on those versions only.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 12.3)
    list(APPEND SQMS_WARNINGS -Wno-error=restrict)
  endif()
endif()

if(SQMS_SANITIZE)
  # -fno-sanitize-recover: a UBSan finding aborts instead of printing and
  # going on, so it fails the test like an ASan finding does.
  add_compile_options(-fsanitize=${SQMS_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${SQMS_SANITIZE})
endif()
