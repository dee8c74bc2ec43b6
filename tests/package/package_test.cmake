# SPDX-License-Identifier: Apache-2.0
# package_test.cmake: one step of the package tests (tests/package/CMakeLists.txt).
#
#   cmake -DSTEP=install|find_package|scenarios|add_subdirectory|library_only -D... -P package_test.cmake
#
# Writes only under WORK_DIR: the install prefix, a copy of the consumer project
# (the scenarios step edits its scenario files), and the consumer's build dirs.
cmake_minimum_required(VERSION 3.25)

set(prefix ${WORK_DIR}/prefix)
set(checkpoint_only_source_dir ${CMAKE_CURRENT_LIST_DIR}/checkpoint_only)
# Kept run directories (the harness's --keep failed) stay under WORK_DIR too.
file(MAKE_DIRECTORY ${WORK_DIR}/tmp)
set(ENV{TMPDIR} ${WORK_DIR}/tmp)

# What every consumer is configured with: crashpoint's generator, compilers and
# flags (ASan's static libraries link only into programs built with ASan).
set(tools -G "${GENERATOR}" -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
foreach(v C_FLAGS CXX_FLAGS EXE_LINKER_FLAGS)
  if(${v})
    list(APPEND tools "-DCMAKE_${v}=${${v}}")
  endif()
endforeach()
if(MAKE_PROGRAM)
  list(APPEND tools -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
set(build_config_args)  # cmake --build --config X
set(ctest_config_args)  # ctest -C X
if(CONSUMER_BUILD_TYPE)
  list(APPEND tools -DCMAKE_BUILD_TYPE=${CONSUMER_BUILD_TYPE})
  set(build_config_args --config ${CONSUMER_BUILD_TYPE})
  set(ctest_config_args -C ${CONSUMER_BUILD_TYPE})
endif()

# Runs a command; on failure prints its output and stops with `what`.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "${what} failed (${status}):\n$ ${command}\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

function(expect_contains what text expected)
  string(FIND "${text}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected to find\n  ${expected}\nin:\n${text}")
  endif()
endfunction()

# A fresh copy of the consumer project at ${WORK_DIR}/<name>/src, and a fresh
# build dir beside it, configured with `args`. With KEEP_OBJECTS, the build dir
# of an earlier run keeps its object files (its cache is still new), so that
# add_subdirectory does not compile all of crashpoint again on every ctest.
function(configure_consumer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "KEEP_OBJECTS" "" "")
  set(dir ${WORK_DIR}/${name})
  if(arg_KEEP_OBJECTS)
    file(REMOVE_RECURSE ${dir}/src)
    file(REMOVE ${dir}/build/CMakeCache.txt)
  else()
    file(REMOVE_RECURSE ${dir})
  endif()
  file(COPY ${CONSUMER_SOURCE_DIR}/ DESTINATION ${dir}/src)
  run("configuring the consumer (${name})" ${CMAKE_COMMAND} -S ${dir}/src -B ${dir}/build ${tools}
      ${arg_UNPARSED_ARGUMENTS})
  set(consumer_src ${dir}/src PARENT_SCOPE)
  set(consumer_build ${dir}/build PARENT_SCOPE)
endfunction()

# The harness's dependencies: a consumer that asks only for the checkpoint
# library is configured with each of them unfindable, and so is Threads, whose
# module needs a compiler (the package must not look for any of them).
set(harness_deps_unfindable)
foreach(p Threads Boost fmt nlohmann_json tomlplusplus CLI11)
  list(APPEND harness_deps_unfindable -DCMAKE_DISABLE_FIND_PACKAGE_${p}=ON)
endforeach()

# Configures and builds checkpoint_only/ (find_package in a project(NONE)) against
# the package under `package_prefix`; extra arguments go to its configure.
function(build_checkpoint_only name package_prefix)
  set(dir ${WORK_DIR}/${name})
  file(REMOVE_RECURSE ${dir})
  run("configuring checkpoint_only (${name})" ${CMAKE_COMMAND} -S ${checkpoint_only_source_dir}
      -B ${dir} ${tools} -DCMAKE_PREFIX_PATH=${package_prefix} ${harness_deps_unfindable} ${ARGN})
  build_consumer(${dir})
endfunction()

function(build_consumer build)
  run("building the consumer" ${CMAKE_COMMAND} --build ${build} --parallel ${build_config_args})
endfunction()

# ctest in the consumer's build; sets ctest_status and ctest_output.
function(consumer_ctest build)
  execute_process(COMMAND ${CTEST_COMMAND} --test-dir ${build} ${ctest_config_args}
                          --output-on-failure ${ARGN}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(ctest_status ${status} PARENT_SCOPE)
  set(ctest_output "${out}" PARENT_SCOPE)
endfunction()

function(consumer_ctest_passes build)
  consumer_ctest(${build} ${ARGN})
  if(NOT ctest_status EQUAL 0)
    message(FATAL_ERROR "the consumer's ctest ${ARGN} failed:\n${ctest_output}")
  endif()
  set(ctest_output "${ctest_output}" PARENT_SCOPE)
endfunction()

function(expect_tests build)
  consumer_ctest(${build} -N)
  foreach(name IN LISTS ARGN)
    expect_contains("ctest -N in the consumer" "${ctest_output}" ": ${name}\n")
  endforeach()
endfunction()

if(STEP STREQUAL "install")
  file(REMOVE_RECURSE ${prefix})
  set(install_config)
  if(BUILD_CONFIG)
    set(install_config --config ${BUILD_CONFIG})
  endif()
  run("cmake --install" ${CMAKE_COMMAND} --install ${CRASHPOINT_BINARY_DIR} --prefix ${prefix}
      ${install_config})
  set(cmakedir ${prefix}/${INSTALL_LIBDIR}/cmake/crashpoint)
  foreach(f ${INSTALL_BINDIR}/crashpoint
            ${INSTALL_INCLUDEDIR}/crashpoint/crashpoint.hpp
            ${INSTALL_INCLUDEDIR}/crashpoint/crashpoint.h
            ${INSTALL_LIBDIR}/libcrashpoint.a
            ${INSTALL_LIBDIR}/libcrashpoint_harness.a
            ${INSTALL_LIBDIR}/pkgconfig/crashpoint.pc
            ${INSTALL_LIBDIR}/cmake/crashpoint/crashpointConfig.cmake
            ${INSTALL_LIBDIR}/cmake/crashpoint/crashpointConfigVersion.cmake
            ${INSTALL_LIBDIR}/cmake/crashpoint/crashpointCheckpointTargets.cmake
            ${INSTALL_LIBDIR}/cmake/crashpoint/crashpointHarnessTargets.cmake
            ${INSTALL_LIBDIR}/cmake/crashpoint/CrashpointScenarios.cmake)
    if(NOT EXISTS ${prefix}/${f})
      message(FATAL_ERROR "not installed: ${f}")
    endif()
  endforeach()
  # The man page goes with the executable when help2man could write it.
  if(MAN_PAGE_BUILT AND NOT EXISTS ${prefix}/${INSTALL_MANDIR}/man1/crashpoint.1)
    message(FATAL_ERROR "not installed: ${INSTALL_MANDIR}/man1/crashpoint.1")
  endif()
  # Exactly the public headers: lib/include/crashpoint and harness/include/crashpoint.
  file(GLOB_RECURSE expected RELATIVE ${CRASHPOINT_SOURCE_DIR}/lib/include
       ${CRASHPOINT_SOURCE_DIR}/lib/include/crashpoint/*)
  file(GLOB_RECURSE expected_harness RELATIVE ${CRASHPOINT_SOURCE_DIR}/harness/include
       ${CRASHPOINT_SOURCE_DIR}/harness/include/crashpoint/*)
  file(GLOB_RECURSE installed RELATIVE ${prefix}/${INSTALL_INCLUDEDIR} ${prefix}/${INSTALL_INCLUDEDIR}/*)
  list(APPEND expected ${expected_harness})
  list(SORT expected)
  list(SORT installed)
  if(NOT installed STREQUAL expected)
    message(FATAL_ERROR "installed headers:\n  ${installed}\nexpected the public headers:\n  ${expected}")
  endif()
  # The exported targets name nothing of the build: no source or build paths, no
  # warnings target.
  file(GLOB target_files ${cmakedir}/crashpoint*Targets*.cmake)
  foreach(f IN LISTS target_files)
    file(READ ${f} text)
    foreach(leak ${CRASHPOINT_SOURCE_DIR}/ ${CRASHPOINT_BINARY_DIR}/ crashpoint_warnings)
      string(FIND "${text}" "${leak}" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "${f} mentions `${leak}`")
      endif()
    endforeach()
  endforeach()
  run("the installed crashpoint" ${prefix}/${INSTALL_BINDIR}/crashpoint --version)

elseif(STEP STREQUAL "find_package")
  configure_consumer(find_package -DCONSUMER_CRASHPOINT=package -DCMAKE_PREFIX_PATH=${prefix})
  build_consumer(${consumer_build})
  consumer_ctest_passes(${consumer_build} -R ^programs/)

  # COMPONENTS checkpoint finds nothing and needs no compiler: it loads in a
  # project(NONE) with the harness's dependencies unfindable, its library links
  # once a language is enabled, and crashpoint_add_scenarios runs the scenarios
  # with the installed executable. Asking for the harness there fails, which
  # shows that the dependencies really are out of reach.
  build_checkpoint_only(find_package/checkpoint_only ${prefix} -DCOMPONENTS=checkpoint
                        -DHARNESS=${prefix}/${INSTALL_BINDIR}/crashpoint)
  consumer_ctest_passes(${WORK_DIR}/find_package/checkpoint_only)
  expect_contains("ctest" "${ctest_output}" "checkpoint_only/save@save_after_tmp")
  file(REMOVE_RECURSE ${WORK_DIR}/find_package/with_harness)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${checkpoint_only_source_dir}
                          -B ${WORK_DIR}/find_package/with_harness ${tools}
                          -DCMAKE_PREFIX_PATH=${prefix} ${harness_deps_unfindable} -DCOMPONENTS=harness
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(status EQUAL 0)
    message(FATAL_ERROR "COMPONENTS harness configured without the harness's dependencies:\n${out}")
  endif()
  expect_contains("COMPONENTS harness without its dependencies" "${out}" "CMAKE_DISABLE_FIND_PACKAGE_")

  # pkg-config: the C program built by hand with the module's flags.
  set(ENV{PKG_CONFIG_PATH} ${prefix}/${INSTALL_LIBDIR}/pkgconfig)
  run("pkg-config" pkg-config --cflags --libs crashpoint)
  string(STRIP "${run_output}" flags)
  expect_contains("pkg-config --cflags --libs crashpoint" "${flags}" "-lcrashpoint")
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(build_flags UNIX_COMMAND "${C_FLAGS} ${EXE_LINKER_FLAGS}")
  set(exe ${WORK_DIR}/find_package/c_api_user_pkgconfig)
  run("compiling with pkg-config's flags" ${C_COMPILER} ${build_flags} -std=c99
      ${consumer_src}/c_api_user.c ${flags} -o ${exe})
  unset(ENV{CRASHPOINT})
  run("the pkg-config-built program" ${exe})
  expect_contains("c_api_user" "${run_output}" "c api: ok")
  set(ENV{CRASHPOINT} c_checkpoint)
  run("the pkg-config-built program, armed" ${exe})
  expect_contains("c_api_user, armed" "${run_output}" "c api: injected: CRASHPOINT: failing at checkpoint")

elseif(STEP STREQUAL "scenarios")
  # A suite whose scenario fails, and one that does not load, registered as extra/*.
  set(extra ${WORK_DIR}/scenarios-extra)
  file(REMOVE_RECURSE ${extra})
  file(WRITE ${extra}/crashpoint.toml "[target]\ncommand = \"checkpoint_user\"\n")
  file(WRITE ${extra}/wrong.toml
       "checkpoints = [\"save_after_tmp\"]\n[crash]\ncommand = [\"{target}\", \"save\"]\n"
       "[[assert]]\nfile = \"state\"\nexists = false\n")
  configure_consumer(scenarios -DCONSUMER_CRASHPOINT=package -DCMAKE_PREFIX_PATH=${prefix}
                     -DCONSUMER_EXTRA_SCENARIOS=${extra})
  build_consumer(${consumer_build})

  # One test per run, from both suites; they pass, in parallel.
  expect_tests(${consumer_build} consumer/save@save_after_tmp cpp/save_then_retry@save_after_tmp
               extra/wrong@save_after_tmp)
  consumer_ctest_passes(${consumer_build} -R "^(consumer|cpp)/" -j 2)
  expect_contains("ctest" "${ctest_output}" "100% tests passed, 0 tests failed out of 2")

  # A failing run fails its test, and says why.
  consumer_ctest(${consumer_build} -R ^extra/)
  if(ctest_status EQUAL 0)
    message(FATAL_ERROR "extra/wrong@save_after_tmp should have failed:\n${ctest_output}")
  endif()
  expect_contains("the failing run" "${ctest_output}" "extra/wrong@save_after_tmp")

  # A scenario added after configuring is listed by the next ctest, without cmake.
  file(WRITE ${consumer_src}/scenarios/save_twice.toml
       "checkpoints = [\"save_after_tmp\", \"save_after_tmp=kill\"]\n"
       "[setup]\nsteps = [[\"{target}\", \"save\"]]\n"
       "[crash]\ncommand = [\"{target}\", \"save\"]\n"
       "[[recover]]\ncommand = [\"{target}\", \"status\"]\n")
  expect_tests(${consumer_build} consumer/save_twice@save_after_tmp=kill consumer/save@save_after_tmp)
  consumer_ctest_passes(${consumer_build} -R ^consumer/save_twice@)
  expect_contains("ctest" "${ctest_output}" "tests passed, 0 tests failed out of 2")

  # A scenario with checkpoints = "auto": its crash points are listed (the
  # discovery runs at listing time) and each is a test of its own.
  file(WRITE ${consumer_src}/scenarios/explored.toml
       "checkpoints = \"auto\"\n"
       "[crash]\ncommand = [\"{target}\", \"save\"]\n"
       "[[recover]]\ncommand = [\"{target}\", \"status\"]\n")
  expect_tests(${consumer_build} consumer/explored@save_after_tmp@1 consumer/save@save_after_tmp)
  consumer_ctest_passes(${consumer_build} -R ^consumer/explored@)
  expect_contains("ctest" "${ctest_output}" "tests passed, 0 tests failed out of 1")

  # A scenario file that does not load: one test that fails with the harness's error.
  file(WRITE ${extra}/broken.toml "checkpoints = [\"save_after_tmp\"]\ncomand = 1\n")
  expect_tests(${consumer_build} extra/LIST_FAILED)
  consumer_ctest(${consumer_build} -R ^extra/)
  if(ctest_status EQUAL 0)
    message(FATAL_ERROR "extra/LIST_FAILED should have failed:\n${ctest_output}")
  endif()
  expect_contains("extra/LIST_FAILED" "${ctest_output}" "broken.toml")
  consumer_ctest(${consumer_build} -N -R ^extra/)
  string(FIND "${ctest_output}" "extra/wrong@" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "with a broken file, only LIST_FAILED should be registered:\n${ctest_output}")
  endif()

elseif(STEP STREQUAL "add_subdirectory")
  # The consumer's CMakeLists.txt fails when crashpoint's tests are on as a subproject.
  configure_consumer(add_subdirectory KEEP_OBJECTS -DCONSUMER_CRASHPOINT=subdirectory
                     -DCRASHPOINT_SOURCE_DIR=${CRASHPOINT_SOURCE_DIR})
  file(STRINGS ${consumer_build}/CMakeCache.txt tests_option REGEX "^CRASHPOINT_BUILD_TESTS:")
  if(NOT tests_option MATCHES "=OFF$")
    message(FATAL_ERROR "CRASHPOINT_BUILD_TESTS should be OFF in a consumer: ${tests_option}")
  endif()
  build_consumer(${consumer_build})
  consumer_ctest_passes(${consumer_build} -j 2)
  expect_contains("ctest" "${ctest_output}" "consumer/save@save_after_tmp")

  # The consumer's install holds its own program and nothing of crashpoint's:
  # CRASHPOINT_INSTALL is OFF in a subproject.
  set(consumer_prefix ${WORK_DIR}/add_subdirectory/prefix)
  file(REMOVE_RECURSE ${consumer_prefix})
  run("installing the consumer" ${CMAKE_COMMAND} --install ${consumer_build}
      --prefix ${consumer_prefix} ${build_config_args})
  file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE ${consumer_prefix} ${consumer_prefix}/*)
  if(NOT installed STREQUAL "bin/checkpoint_user")
    message(FATAL_ERROR "the consumer installed\n  ${installed}\nexpected only bin/checkpoint_user")
  endif()

  # FetchContent goes through the same add_subdirectory: configuring is enough.
  configure_consumer(fetchcontent -DCONSUMER_CRASHPOINT=fetchcontent
                     -DCRASHPOINT_SOURCE_DIR=${CRASHPOINT_SOURCE_DIR})

elseif(STEP STREQUAL "library_only")
  # CRASHPOINT_BUILD_HARNESS=OFF builds and installs the checkpoint library alone,
  # with the harness's, tests' and benchmarks' dependencies unfindable; its
  # package, asked for no component, gives the library.
  set(dir ${WORK_DIR}/library_only)
  file(REMOVE_RECURSE ${dir})
  set(unfindable)
  foreach(p Boost fmt nlohmann_json tomlplusplus CLI11 Catch2 benchmark PkgConfig)
    list(APPEND unfindable -DCMAKE_DISABLE_FIND_PACKAGE_${p}=ON)
  endforeach()
  run("configuring crashpoint with CRASHPOINT_BUILD_HARNESS=OFF" ${CMAKE_COMMAND}
      -S ${CRASHPOINT_SOURCE_DIR} -B ${dir}/build ${tools} -DCRASHPOINT_BUILD_HARNESS=OFF
      -DCRASHPOINT_WERROR=ON ${unfindable})
  build_consumer(${dir}/build)
  run("installing the library alone" ${CMAKE_COMMAND} --install ${dir}/build --prefix ${dir}/prefix
      ${build_config_args})
  file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE ${dir}/prefix ${dir}/prefix/*)
  list(JOIN installed "\n" listing)
  foreach(expected libcrashpoint.a crashpoint/crashpoint.hpp crashpoint.pc crashpointConfig.cmake)
    expect_contains("the library-only install" "${listing}" "${expected}")
  endforeach()
  if(listing MATCHES "harness|Harness|(^|\n)bin/")
    message(FATAL_ERROR "the library-only install has parts of the harness:\n${listing}")
  endif()
  build_checkpoint_only(library_only/checkpoint_only ${dir}/prefix -DCOMPONENTS=)

else()
  message(FATAL_ERROR "STEP: unknown `${STEP}`")
endif()
