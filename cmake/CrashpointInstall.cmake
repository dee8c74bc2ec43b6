# SPDX-License-Identifier: Apache-2.0
# CrashpointInstall.cmake: installs crashpoint as a CMake package and a
# pkg-config module.
#
#   find_package(crashpoint CONFIG REQUIRED)    # crashpoint::checkpoint, ::harness,
#   target_link_libraries(app PRIVATE crashpoint::checkpoint)   # ::crashpoint (the
#   crashpoint_add_scenarios(DIRECTORY scenarios TARGET app)     # executable)
#
#   pkg-config --cflags --libs crashpoint       # the checkpoint library only
#
# Layout under the prefix (GNUInstallDirs):
#   bin/crashpoint
#   share/man/man1/crashpoint.1           (when help2man is installed)
#   include/crashpoint/*.h, *.hpp
#   lib/libcrashpoint.a, lib/libcrashpoint_harness.a
#   lib/cmake/crashpoint/   crashpointConfig.cmake, crashpointConfigVersion.cmake,
#                           crashpointCheckpointTargets*.cmake (crashpoint::checkpoint),
#                           crashpointHarnessTargets*.cmake (::harness, ::crashpoint),
#                           CrashpointScenarios.cmake
#   lib/pkgconfig/crashpoint.pc
#
# Included from the top-level CMakeLists.txt after the targets exist, when
# CRASHPOINT_INSTALL is ON. Nothing here changes how anything builds.
include(CMakePackageConfigHelpers)

set(CRASHPOINT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/crashpoint" CACHE STRING
    "Where crashpointConfig.cmake is installed, relative to the prefix")
set(CRASHPOINT_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig" CACHE STRING
    "Where crashpoint.pc is installed, relative to the prefix")
mark_as_advanced(CRASHPOINT_INSTALL_CMAKEDIR CRASHPOINT_INSTALL_PKGCONFIGDIR)

# Targets: two export sets, so that the package config imports the harness (and
# finds its dependencies) only when asked to. Every target is under the
# crashpoint:: namespace through its EXPORT_NAME (checkpoint, harness, crashpoint).
install(TARGETS crashpoint_checkpoint
  EXPORT crashpointCheckpointTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT crashpoint_development
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT crashpoint_development)
install(EXPORT crashpointCheckpointTargets
  NAMESPACE crashpoint::
  DESTINATION ${CRASHPOINT_INSTALL_CMAKEDIR} COMPONENT crashpoint_development)
if(TARGET crashpoint_harness)
  install(TARGETS crashpoint_harness crashpoint
    EXPORT crashpointHarnessTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT crashpoint_runtime
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT crashpoint_development
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT crashpoint_development)
  if(TARGET crashpoint-record)
    # Syscall crash points run the crash command under it; the harness finds
    # it beside `crashpoint`.
    install(TARGETS crashpoint-record crashpoint_recorder crashpoint_power_loss
      EXPORT crashpointHarnessTargets
      RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT crashpoint_runtime
      ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT crashpoint_development)
  endif()
  install(EXPORT crashpointHarnessTargets
    NAMESPACE crashpoint::
    DESTINATION ${CRASHPOINT_INSTALL_CMAKEDIR} COMPONENT crashpoint_development)
endif()

# The man page, when help2man could write it (harness/CMakeLists.txt).
if(TARGET crashpoint_man)
  get_target_property(crashpoint_man_page crashpoint_man CRASHPOINT_MAN_PAGE)
  install(FILES ${crashpoint_man_page}
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT crashpoint_runtime)
endif()

# Public headers only: lib/include/crashpoint and harness/include/crashpoint.
# The harness's internal headers stay in harness/src and are never installed.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/include/crashpoint
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT crashpoint_development
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
if(TARGET crashpoint_harness)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/harness/include/crashpoint
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT crashpoint_development
    FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
endif()

# The package config: finds the dependencies, imports the targets, defines
# crashpoint_add_scenarios. CRASHPOINT_PACKAGE_HAS_HARNESS tells it whether the
# harness (and so its dependencies) was installed.
if(TARGET crashpoint_harness)
  set(CRASHPOINT_PACKAGE_HAS_HARNESS ON)
else()
  set(CRASHPOINT_PACKAGE_HAS_HARNESS OFF)
endif()
set(crashpoint_package_dir ${PROJECT_BINARY_DIR}/crashpoint-package)
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/crashpointConfig.cmake.in
  ${crashpoint_package_dir}/crashpointConfig.cmake
  INSTALL_DESTINATION ${CRASHPOINT_INSTALL_CMAKEDIR}
  NO_SET_AND_CHECK_MACRO)
# 0.x: a minor version may break the API, so only the same minor version matches.
write_basic_package_version_file(
  ${crashpoint_package_dir}/crashpointConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
    ${crashpoint_package_dir}/crashpointConfig.cmake
    ${crashpoint_package_dir}/crashpointConfigVersion.cmake
    ${CMAKE_CURRENT_LIST_DIR}/CrashpointScenarios.cmake
  DESTINATION ${CRASHPOINT_INSTALL_CMAKEDIR} COMPONENT crashpoint_development)

# pkg-config, for the checkpoint library alone. The .pc file is relocatable: its
# prefix is found from its own location, so `cmake --install --prefix` anywhere
# yields a working file. The library is static, so Libs names what it needs from
# the C++ runtime (a C program links it too) and from threads.
file(RELATIVE_PATH crashpoint_pc_prefix_from_pcfiledir
  /${CRASHPOINT_INSTALL_PKGCONFIGDIR} /)
string(REGEX REPLACE "/$" "" crashpoint_pc_prefix_from_pcfiledir
  "${crashpoint_pc_prefix_from_pcfiledir}")
foreach(dir IN ITEMS INCLUDEDIR LIBDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(crashpoint_pc_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(crashpoint_pc_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
# The C++ runtime: what the C++ compiler links implicitly beyond the C compiler.
set(crashpoint_pc_runtime_libs)
foreach(lib IN LISTS CMAKE_CXX_IMPLICIT_LINK_LIBRARIES)
  if(NOT lib IN_LIST CMAKE_C_IMPLICIT_LINK_LIBRARIES AND NOT lib IN_LIST crashpoint_pc_runtime_libs)
    list(APPEND crashpoint_pc_runtime_libs ${lib})
  endif()
endforeach()
list(TRANSFORM crashpoint_pc_runtime_libs PREPEND -l)
list(JOIN crashpoint_pc_runtime_libs " " crashpoint_pc_runtime_libs)
set(crashpoint_pc_cflags)
if(CRASHPOINT_DISABLE)
  set(crashpoint_pc_cflags "-DCRASHPOINT_DISABLED")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/crashpoint.pc.in
  ${crashpoint_package_dir}/crashpoint.pc @ONLY)
install(FILES ${crashpoint_package_dir}/crashpoint.pc
  DESTINATION ${CRASHPOINT_INSTALL_PKGCONFIGDIR} COMPONENT crashpoint_development)
