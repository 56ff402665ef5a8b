# Writes OUTPUT: a C++ file defining procura::web::FUNCTION() (declared in web/embedded.hpp) as
# the text of INPUT, in raw string literals. Run at build time by web/CMakeLists.txt whenever
# INPUT changes.
# Usage: cmake -DINPUT=docs/openapi.yaml -DOUTPUT=openapi_embedded.cpp -DFUNCTION=openapi_yaml
#        -P embed_text.cmake
if(NOT FUNCTION)
  message(FATAL_ERROR "embed_text.cmake needs -DFUNCTION=name")
endif()
file(READ "${INPUT}" text)
set(delimiter "procura_embed")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${delimiter}\"")
endif()
# Split into pieces of at most 16000 bytes: some compilers cap a single string literal.
string(LENGTH "${text}" length)
set(pieces "")
set(offset 0)
while(offset LESS length)
  string(SUBSTRING "${text}" ${offset} 16000 piece)
  string(APPEND pieces "    R\"${delimiter}(${piece})${delimiter}\"\n")
  math(EXPR offset "${offset} + 16000")
endwhile()
if(pieces STREQUAL "")
  set(pieces "    \"\"\n")
endif()
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by web/embed_text.cmake. Do not edit.
#include \"web/embedded.hpp\"

namespace procura::web {

std::string_view ${FUNCTION}() {
    static constexpr char text[] =
${pieces}    ;
    return std::string_view(text, sizeof(text) - 1);
}

}  // namespace procura::web
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
