// Files embedded into the binary at build time (web/embed_text.cmake generates the
// definitions), so that serving them does not depend on the working directory: the OpenAPI
// description of the HTTP API and the browser UI.
#pragma once

#include <string_view>

namespace procura::web {

// The text of docs/openapi.yaml as it was when the binary was built.
std::string_view openapi_yaml();
// web/ui/index.html: the page served at "/".
std::string_view ui_index_html();
// web/ui/app.js: the page's script, served at "/ui/app.js".
std::string_view ui_app_js();

}  // namespace procura::web
