# SPDX-License-Identifier: Apache-2.0
# CrashpointScenarios.cmake: crashpoint_add_scenarios(), one CTest test per run.
#
#   crashpoint_add_scenarios(DIRECTORY scenarios TARGET mytool)
#
# registers one CTest test per run (scenario x checkpoint) of the suite in
# `scenarios`, named `<TEST_PREFIX>SCENARIO@CHECKPOINT`, so `ctest -R` picks one
# run and `ctest -j` runs them in parallel. Each test is
#
#   crashpoint run DIR --target $<TARGET_FILE:mytool> --only ID -j 1 --keep failed [EXTRA_ARGS...]
#
# and fails exactly when that run fails; its output is the harness's report, with
# the kept run directory and the commands that reproduce the failure.
#
#   crashpoint_add_scenarios(DIRECTORY dir TARGET target-or-path
#                            [HARNESS target-or-path]   # default crashpoint::crashpoint
#                            [TEST_PREFIX prefix]       # default none
#                            [EXTRA_ARGS args...]       # appended to every `crashpoint run`
#                            [JOBS n]                   # CPUs each test reserves (PROCESSORS)
#                            [WORKING_DIRECTORY dir]    # default the current binary dir
#                            [PROPERTIES name value...]) # set on every test
#
# How the runs are found: they exist only in the scenario files, so, like
# gtest_discover_tests(DISCOVERY_MODE PRE_TEST) and catch_discover_tests, this
# adds a script to the directory's TEST_INCLUDE_FILES. CTest evaluates it each
# time it reads the test list (ctest, ctest -N, ctest -R ...); the script runs
# `crashpoint list DIR --target T` and declares the tests. For scenarios with
# `checkpoints = "auto"` listing executes programs: each one's setup and crash
# command, traced, to find its crash points (docs/exploration.md). The result is
# cached beside the build and reused while the harness and target executables
# and every *.toml file of the suite (and the nearest crashpoint.toml above it)
# are unchanged, so an edited, added or deleted scenario, or a rebuilt target
# with other checkpoints, is picked up by the next ctest without re-running
# cmake. When listing fails (a bad scenario file, for example) one
# test `<TEST_PREFIX>LIST_FAILED` is declared instead, which fails and prints the
# listing's errors; when the harness is not built yet, `<TEST_PREFIX>HARNESS_NOT_BUILT`.
#
# Available in-tree (after add_subdirectory or FetchContent of crashpoint) and
# from the installed package (find_package(crashpoint), whose config includes
# this file). The discovery half, _crashpoint_discover_scenarios, runs inside
# CTest: it uses only script-mode commands.
include_guard(GLOBAL)

# "[==[text]==]": a CMake argument that holds `text` verbatim.
function(_crashpoint_bracket _crashpoint_out text)
  set(eq "==")
  while(text MATCHES "]${eq}]")
    string(APPEND eq "=")
  endwhile()
  set(${_crashpoint_out} "[${eq}[${text}]${eq}]" PARENT_SCOPE)
endfunction()

# Appends the call `name(arg...)` to the variable named by the first argument,
# each argument bracketed.
function(_crashpoint_append_call _crashpoint_out _crashpoint_name)
  set(call "${_crashpoint_name}(")
  foreach(i RANGE 2 ${ARGC})
    if(i EQUAL ARGC)
      break()
    endif()
    _crashpoint_bracket(arg "${ARGV${i}}")
    string(APPEND call "\n  ${arg}")
  endforeach()
  set(${_crashpoint_out} "${${_crashpoint_out}}${call})\n" PARENT_SCOPE)
endfunction()

# A program argument: the file of a target (aliases resolved), or a path.
function(_crashpoint_program_path out value what)
  if(TARGET "${value}")
    get_target_property(aliased "${value}" ALIASED_TARGET)
    if(aliased)
      set(value "${aliased}")
    endif()
    get_target_property(type "${value}" TYPE)
    if(NOT type STREQUAL "EXECUTABLE")
      message(FATAL_ERROR "crashpoint_add_scenarios: ${what} `${value}` is a ${type}, not an executable")
    endif()
    set(${out} "$<TARGET_FILE:${value}>" PARENT_SCOPE)
  elseif(value MATCHES "/")
    get_filename_component(value "${value}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    set(${out} "${value}" PARENT_SCOPE)
  else()
    set(${out} "${value}" PARENT_SCOPE)  # a program name, looked up on PATH
  endif()
endfunction()

function(crashpoint_add_scenarios)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "DIRECTORY;TARGET;HARNESS;TEST_PREFIX;JOBS;WORKING_DIRECTORY" "EXTRA_ARGS;PROPERTIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "crashpoint_add_scenarios: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  foreach(required DIRECTORY TARGET)
    if(NOT arg_${required})
      message(FATAL_ERROR "crashpoint_add_scenarios: ${required} is required")
    endif()
  endforeach()
  if(DEFINED arg_JOBS AND NOT arg_JOBS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "crashpoint_add_scenarios: JOBS expects a positive number, got `${arg_JOBS}`")
  endif()

  get_filename_component(dir "${arg_DIRECTORY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${dir}")
    message(FATAL_ERROR "crashpoint_add_scenarios: no scenario folder ${dir}")
  endif()
  if(NOT arg_HARNESS)
    if(NOT TARGET crashpoint::crashpoint)
      message(FATAL_ERROR "crashpoint_add_scenarios: no crashpoint::crashpoint target (build the "
                          "harness, find_package(crashpoint), or pass HARNESS)")
    endif()
    set(arg_HARNESS crashpoint::crashpoint)
  endif()
  _crashpoint_program_path(harness "${arg_HARNESS}" HARNESS)
  _crashpoint_program_path(target "${arg_TARGET}" TARGET)
  if(NOT arg_WORKING_DIRECTORY)
    set(arg_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  set(properties ${arg_PROPERTIES})
  if(arg_JOBS)
    list(APPEND properties PROCESSORS ${arg_JOBS})
  endif()

  # One set of files per call, named after what distinguishes the calls.
  string(SHA1 id "${dir}|${arg_TARGET}|${arg_TEST_PREFIX}|${arg_EXTRA_ARGS}")
  string(SUBSTRING "${id}" 0 10 id)
  set(base "${CMAKE_CURRENT_BINARY_DIR}/crashpoint_scenarios-${id}")

  # The script CTest includes: discovery with every argument fixed here, target
  # paths filled in per configuration by file(GENERATE).
  set(content "include(\"${CMAKE_CURRENT_FUNCTION_LIST_FILE}\")\n")
  _crashpoint_append_call(content _crashpoint_discover_scenarios
    CMAKE_COMMAND "${CMAKE_COMMAND}"
    HARNESS "${harness}"
    TARGET "${target}"
    DIRECTORY "${dir}"
    TEST_PREFIX "${arg_TEST_PREFIX}"
    WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}"
    CACHE_BASE "${base}-$<CONFIG>"
    EXTRA_ARGS ${arg_EXTRA_ARGS}
    PROPERTIES ${properties})

  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    foreach(config IN LISTS CMAKE_CONFIGURATION_TYPES)
      file(GENERATE OUTPUT "${base}-include-${config}.cmake" CONTENT "${content}"
           CONDITION $<CONFIG:${config}>)
    endforeach()
    # Without `ctest -C CONFIG` there is no harness path to run: say so by a test.
    file(WRITE "${base}-include.cmake"
         "if(EXISTS \"${base}-include-\${CTEST_CONFIGURATION_TYPE}.cmake\")\n"
         "  include(\"${base}-include-\${CTEST_CONFIGURATION_TYPE}.cmake\")\n"
         "else()\n"
         "  add_test([==[${arg_TEST_PREFIX}NEEDS_CTEST_C_CONFIG]==] NEEDS_CTEST_C_CONFIG)\n"
         "endif()\n")
  else()
    file(GENERATE OUTPUT "${base}-include-generated.cmake" CONTENT "${content}")
    file(WRITE "${base}-include.cmake" "include(\"${base}-include-generated.cmake\")\n")
  endif()
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${base}-include.cmake")
endfunction()

# Runs inside CTest: lists the runs (or reuses the cached list) and declares the
# tests. CTest's add_test takes `name command args...`.
function(_crashpoint_discover_scenarios)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "CMAKE_COMMAND;HARNESS;TARGET;DIRECTORY;TEST_PREFIX;WORKING_DIRECTORY;CACHE_BASE"
    "EXTRA_ARGS;PROPERTIES")
  set(prefix "${arg_TEST_PREFIX}")

  if(arg_HARNESS MATCHES "/" AND NOT EXISTS "${arg_HARNESS}")
    add_test("${prefix}HARNESS_NOT_BUILT" "${arg_HARNESS}")
    return()
  endif()

  # The cache key: every argument, this script, the harness's timestamp, and the
  # name and content of every file the listing reads.
  file(SHA256 "${CMAKE_CURRENT_FUNCTION_LIST_FILE}" key)
  string(APPEND key "|${ARGV}")
  # The target: explored scenarios' runs are the checkpoints it reaches.
  foreach(program HARNESS TARGET)
    if(EXISTS "${arg_${program}}")
      file(TIMESTAMP "${arg_${program}}" stamp "%Y-%m-%dT%H:%M:%S" UTC)
      string(APPEND key "|${program} ${stamp}")
    endif()
  endforeach()
  set(files)
  if(IS_DIRECTORY "${arg_DIRECTORY}")
    file(GLOB_RECURSE files LIST_DIRECTORIES false "${arg_DIRECTORY}/*.toml")
    list(SORT files)
    set(up "${arg_DIRECTORY}")
  else()
    set(files "${arg_DIRECTORY}")
    get_filename_component(up "${arg_DIRECTORY}" DIRECTORY)
  endif()
  while(NOT EXISTS "${up}/crashpoint.toml")
    get_filename_component(parent "${up}" DIRECTORY)
    if(parent STREQUAL up OR parent STREQUAL "")
      break()
    endif()
    set(up "${parent}")
  endwhile()
  if(EXISTS "${up}/crashpoint.toml")
    list(APPEND files "${up}/crashpoint.toml")
  endif()
  foreach(f IN LISTS files)
    if(EXISTS "${f}")
      file(SHA256 "${f}" sum)
      string(APPEND key "|${f} ${sum}")
    endif()
  endforeach()
  string(SHA256 key "${key}")

  set(tests_file "${arg_CACHE_BASE}-tests.cmake")
  if(EXISTS "${tests_file}" AND EXISTS "${tests_file}.key")
    file(READ "${tests_file}.key" cached_key)
    if(cached_key STREQUAL key)
      include("${tests_file}")
      return()
    endif()
  endif()

  execute_process(
    COMMAND "${arg_HARNESS}" list "${arg_DIRECTORY}" --target "${arg_TARGET}"
    WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}"
    OUTPUT_VARIABLE listed ERROR_VARIABLE errors RESULT_VARIABLE status
    TIMEOUT 600)  # discovery runs of "auto" scenarios execute the target
  string(REGEX MATCHALL "[^\r\n]+" ids "${listed}")

  if(NOT status EQUAL 0 OR NOT ids)
    # No cache: the next ctest lists again. The test prints what listing said.
    if(status EQUAL 0)
      set(errors "crashpoint list printed no runs\n")
    endif()
    set(why "`crashpoint list ${arg_DIRECTORY} --target ${arg_TARGET}` failed (${status}):\n${errors}${listed}")
    set(fail_script "${arg_CACHE_BASE}-list-failed.cmake")
    _crashpoint_bracket(text "${why}")
    file(WRITE "${fail_script}"
         "message(NOTICE ${text})\nmessage(FATAL_ERROR \"listing the scenario runs failed\")\n")
    add_test("${prefix}LIST_FAILED" "${arg_CMAKE_COMMAND}" -P "${fail_script}")
    set_tests_properties("${prefix}LIST_FAILED" PROPERTIES
      WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
    return()
  endif()

  set(script "")
  foreach(id IN LISTS ids)
    string(STRIP "${id}" id)
    set(name "${prefix}${id}")
    _crashpoint_append_call(script add_test "${name}" "${arg_HARNESS}" run "${arg_DIRECTORY}"
      --target "${arg_TARGET}" --only "${id}" -j 1 --keep failed ${arg_EXTRA_ARGS})
    _crashpoint_append_call(script set_tests_properties "${name}" PROPERTIES
      WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}" ${arg_PROPERTIES})
  endforeach()
  # Written aside and renamed, so that a concurrent ctest never reads half a file.
  string(RANDOM LENGTH 8 tmp)
  file(WRITE "${tests_file}.${tmp}" "${script}")
  file(RENAME "${tests_file}.${tmp}" "${tests_file}")
  file(WRITE "${tests_file}.key.${tmp}" "${key}")
  file(RENAME "${tests_file}.key.${tmp}" "${tests_file}.key")
  include("${tests_file}")
endfunction()
