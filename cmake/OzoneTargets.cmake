# Helpers that give every project target the same flags, so that the target graph is the layering
# of DESIGN.md §4 and warnings are errors in the project's own code.

set(OZONE_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)

# ozone_library(<name> SRCS <files...> [PUBLIC_DEPS <targets...>] [PRIVATE_DEPS <targets...>])
function(ozone_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/proto)
  target_compile_options(${name} PRIVATE ${OZONE_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# ozone_module(<name> [DEPS <targets...>]): a module with no compiled sources yet; it still takes
# its place in the link graph so that its dependencies are declared once.
function(ozone_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  add_library(${name} INTERFACE)
  target_link_libraries(${name} INTERFACE ${ARG_DEPS})
endfunction()

# ozone_executable(<name> SRCS <files...> DEPS <targets...>)
function(ozone_executable name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${OZONE_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

# ozone_test(<name> SRCS <files...> DEPS <targets...> [LABELS <labels...>] [TIMEOUT <s>])
# One gtest binary; every TEST in it becomes its own ctest entry (discovered when ctest runs).
include(GoogleTest)
function(ozone_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE ${OZONE_WARNINGS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  # ozone_test_main (tests/CMakeLists.txt): gtest's main, with the failures repeated at the end.
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock ozone_test_main)
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
  # CMake 3.25's gtest_discover_tests splits list-valued PROPERTIES (LABELS "unit;chaos" arrived
  # as LABELS unit plus garbage, and TIMEOUT and ENVIRONMENT were lost, so `make test` ran the
  # "chaos" tests). Set them once the tests are discovered instead: ctest includes this file
  # after the discovery script, which defines ${name}_TESTS.
  set(labels "unit")
  foreach(label ${ARG_LABELS})
    string(APPEND labels ";${label}")
  endforeach()
  set(environment "OZONE_TEST_BIN_DIR=${PROJECT_BINARY_DIR};OZONE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  set(properties_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_properties.cmake)
  file(WRITE ${properties_file}
    "if(${name}_TESTS)\n"
    "  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${labels}\"\n"
    "                       TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT \"${environment}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${properties_file})
endfunction()

# ozone_proto_library(<name> PROTOS <files...> [GRPC])
# Generates C++ (and gRPC stubs when GRPC is given) under ${PROJECT_BINARY_DIR}/proto.
function(ozone_proto_library name)
  cmake_parse_arguments(ARG "GRPC" "" "PROTOS;DEPS" ${ARGN})
  set(out_dir ${PROJECT_BINARY_DIR}/proto)
  file(MAKE_DIRECTORY ${out_dir})
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    get_filename_component(base ${proto} NAME_WE)
    set(abs ${CMAKE_CURRENT_SOURCE_DIR}/${proto})
    get_filename_component(proto_dir ${abs} DIRECTORY)
    set(outputs ${out_dir}/${base}.pb.cc ${out_dir}/${base}.pb.h)
    set(args --cpp_out=${out_dir})
    if(ARG_GRPC)
      list(APPEND outputs ${out_dir}/${base}.grpc.pb.cc ${out_dir}/${base}.grpc.pb.h)
      list(APPEND args --grpc_out=${out_dir} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND protobuf::protoc ${args} -I ${proto_dir} -I ${PROJECT_SOURCE_DIR}/proto ${abs}
      DEPENDS ${abs} protobuf::protoc
      COMMENT "protoc ${proto}")
    list(APPEND srcs ${out_dir}/${base}.pb.cc)
    if(ARG_GRPC)
      list(APPEND srcs ${out_dir}/${base}.grpc.pb.cc)
    endif()
  endforeach()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${out_dir})
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${name} PUBLIC gRPC::grpc++)
  endif()
endfunction()
