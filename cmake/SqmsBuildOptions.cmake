# Build options for development, CI and packaging (README, "Build options").
#
#   SQMS_WERROR    warnings in project code are errors. ON for development and
#                  CI (make test builds every configuration with it); packagers
#                  building with a compiler we have not tried set it OFF, so a
#                  new warning is reported instead of failing the package.
#   SQMS_SANITIZE  comma-separated -fsanitize= list for the whole build, e.g.
#                  address,undefined (make test's sanitizer build). Any finding
#                  aborts the process, so the test that hit it fails.
#   SQMS_SANITIZE_TEST_CODE  the list for the tests' own sources (tests/);
#                  SQMS_SANITIZE by default. make test's sanitizer build sets
#                  address: every source keeps ASan and everything the tests
#                  exercise (runtime, services, tools) keeps UBSan too, while
#                  the test sources, the heaviest to compile, skip UBSan's
#                  checks (a heavy test source: 17 s instead of 27 s).
#   SQMS_JEMALLOC  the three service binaries allocate with jemalloc
#                  (sqms_service_allocator below); ignored under
#                  SQMS_SANITIZE, whose runtime brings its own allocator.
#   ccache         used as the compiler launcher when it is installed, unless
#                  CMAKE_CXX_COMPILER_LAUNCHER is given.
#   clang          project code is also checked with -Wthread-safety, so
#                  ABSL_GUARDED_BY and friends are enforced, not decoration.
option(SQMS_WERROR "Treat warnings in project code as errors (OFF for packagers)" ON)
option(SQMS_JEMALLOC "Link the service binaries with jemalloc (not with SQMS_SANITIZE)" ON)
set(SQMS_SANITIZE "" CACHE STRING "Sanitizers for the whole build, e.g. address,undefined")
set(SQMS_SANITIZE_TEST_CODE "${SQMS_SANITIZE}" CACHE STRING
    "Sanitizers for the tests' own sources (default: SQMS_SANITIZE)")

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

# Called at the top of tests/CMakeLists.txt: that directory and the ones
# below it compile with SQMS_SANITIZE_TEST_CODE instead of SQMS_SANITIZE
# (every executable still links SQMS_SANITIZE's runtimes).
function(sqms_sanitize_test_code)
  if(SQMS_SANITIZE AND NOT SQMS_SANITIZE_TEST_CODE STREQUAL SQMS_SANITIZE)
    get_directory_property(opts COMPILE_OPTIONS)
    list(REMOVE_ITEM opts -fsanitize=${SQMS_SANITIZE})
    if(SQMS_SANITIZE_TEST_CODE)
      list(APPEND opts -fsanitize=${SQMS_SANITIZE_TEST_CODE})
    endif()
    set_directory_properties(PROPERTIES COMPILE_OPTIONS "${opts}")
  endif()
endfunction()

# A service binary's allocator: jemalloc (README, "Dependencies and why":
# the metrics service spends a quarter less CPU per event with it). Linked
# into the executables only — libraries and tests keep the system's — and
# not under sanitizers, which replace malloc themselves.
if(SQMS_JEMALLOC AND NOT SQMS_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
function(sqms_service_allocator target)
  if(TARGET PkgConfig::JEMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
    # The promise, checked: the binary loads libjemalloc at start.
    add_test(NAME ${target}_allocator
             COMMAND sh -c "ldd \"$1\" | grep -q libjemalloc" sh $<TARGET_FILE:${target}>)
    set_tests_properties(${target}_allocator PROPERTIES LABELS unit)
  endif()
endfunction()
