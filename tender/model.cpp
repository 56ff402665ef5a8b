#include "tender/model.hpp"

#include <array>
#include <utility>

namespace procura::tender {
namespace {

template <class E, std::size_t N>
std::optional<E> parse_from(const std::array<std::pair<E, std::string_view>, N>& table,
                            std::string_view text) {
    for (const auto& [value, name] : table) {
        if (name == text) return value;
    }
    return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [v, name] : table) {
        if (v == value) return name;
    }
    PROCURA_ASSERT(false);
    return {};
}

constexpr std::array<std::pair<Category, std::string_view>, 3> categories{{
    {Category::goods, "goods"},
    {Category::services, "services"},
    {Category::works, "works"},
}};
constexpr std::array<std::pair<EvaluationMethod, std::string_view>, 3> methods{{
    {EvaluationMethod::lowest_price, "lowest_price"},
    {EvaluationMethod::comprehensive, "comprehensive"},
    {EvaluationMethod::benchmark_price, "benchmark_price"},
}};
constexpr std::array<std::pair<TenderState, std::string_view>, 3> states{{
    {TenderState::draft, "draft"},
    {TenderState::published, "published"},
    {TenderState::cancelled, "cancelled"},
}};
constexpr std::array<std::pair<TenderStatus, std::string_view>, 5> statuses{{
    {TenderStatus::draft, "draft"},
    {TenderStatus::active_enquiries, "active.enquiries"},
    {TenderStatus::active_tendering, "active.tendering"},
    {TenderStatus::closed, "closed"},
    {TenderStatus::cancelled, "cancelled"},
}};

}  // namespace

std::string_view to_string(Category v) { return name_of(categories, v); }
std::string_view to_string(EvaluationMethod v) { return name_of(methods, v); }
std::string_view to_string(TenderState v) { return name_of(states, v); }
std::string_view to_string(TenderStatus v) { return name_of(statuses, v); }
std::optional<Category> parse_category(std::string_view t) { return parse_from(categories, t); }
std::optional<EvaluationMethod> parse_evaluation_method(std::string_view t) {
    return parse_from(methods, t);
}
std::optional<TenderState> parse_tender_state(std::string_view t) { return parse_from(states, t); }
std::optional<TenderStatus> parse_tender_status(std::string_view t) {
    return parse_from(statuses, t);
}

}  // namespace procura::tender
