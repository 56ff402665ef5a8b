// Settlement batches for finance users: the HTTP routes of this group, registered by Api::add_settlement_routes.
#include "web/api.hpp"
#include "web/api_support.hpp"

namespace procura::web {

void Api::add_settlement_routes() {}

}  // namespace procura::web
