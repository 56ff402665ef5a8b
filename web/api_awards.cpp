// Evaluation, awards and contracts: the HTTP routes of this group, registered by Api::add_award_routes.
#include "web/api.hpp"
#include "web/api_support.hpp"

namespace procura::web {

void Api::add_award_routes() {}

}  // namespace procura::web
