# sqms_proto_library(NAME <target> PROTOS <files relative to protos/> [GRPC] [DEPS <targets>])
#
# Compiles one proto package into one static library. Generated code lands in
# the build tree (never committed) under the same relative path, so includes
# read "sqms/complaints/v1/service.pb.h".
function(sqms_proto_library)
  cmake_parse_arguments(P "GRPC" "NAME" "PROTOS;DEPS" ${ARGN})
  set(out_dir ${CMAKE_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out_dir})
  set(srcs)
  set(hdrs)
  foreach(proto ${P_PROTOS})
    get_filename_component(dir ${proto} DIRECTORY)
    get_filename_component(stem ${proto} NAME_WE)
    set(base ${out_dir}/${dir}/${stem})
    set(outs ${base}.pb.cc ${base}.pb.h)
    set(plugin_args)
    if(P_GRPC)
      list(APPEND outs ${base}.grpc.pb.cc ${base}.grpc.pb.h)
      set(plugin_args --grpc_out=${out_dir} --plugin=protoc-gen-grpc=${SQMS_GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND ${SQMS_PROTOC} -I${SQMS_PROTO_ROOT} --cpp_out=${out_dir} ${plugin_args}
              ${SQMS_PROTO_ROOT}/${proto}
      DEPENDS ${SQMS_PROTO_ROOT}/${proto}
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(FILTER outs INCLUDE REGEX "\\.cc$")
    list(APPEND srcs ${outs})
  endforeach()
  add_library(${P_NAME} STATIC ${srcs})
  target_include_directories(${P_NAME} SYSTEM PUBLIC ${out_dir})
  target_link_libraries(${P_NAME} PUBLIC protobuf::libprotobuf ${P_DEPS})
  if(P_GRPC)
    target_link_libraries(${P_NAME} PUBLIC gRPC::grpc++)
  endif()
  # Generated code is not ours to lint. Appended, not set: the directory's
  # options (a sanitizer build's -fsanitize) apply to it as to our code.
  set_property(TARGET ${P_NAME} APPEND PROPERTY COMPILE_OPTIONS -w)
endfunction()
