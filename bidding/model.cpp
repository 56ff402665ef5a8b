#include "bidding/model.hpp"

namespace procura::bidding {

std::string_view to_string(BidState state) {
    switch (state) {
        case BidState::active:
            return "active";
        case BidState::replaced:
            return "replaced";
        case BidState::withdrawn:
            return "withdrawn";
    }
    return "active";
}

}  // namespace procura::bidding
