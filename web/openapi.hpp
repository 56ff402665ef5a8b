// The OpenAPI 3.0 description of the HTTP API (docs/openapi.yaml), embedded into the binary at
// build time (web/embed_text.cmake generates its definition), so that serving it does not
// depend on the working directory.
#pragma once

#include <string_view>

namespace procura::web {

// The text of docs/openapi.yaml as it was when the binary was built.
std::string_view openapi_yaml();

}  // namespace procura::web
