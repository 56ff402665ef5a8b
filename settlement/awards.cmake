# Evaluation records, awards, contracts and milestones: settlement_awards (model, pure rules and
# the service over the AwardStore port) and settlement_awards_mysql (the MariaDB store, the only
# files of this part that include Connector/C++). See docs/awards.md.
add_library(settlement_awards awards/rules.cpp awards/service.cpp)
target_link_libraries(settlement_awards PUBLIC settlement_evaluation tender core
                      nlohmann_json::nlohmann_json)

add_library(settlement_awards_mysql awards/mysql_store.cpp)
target_link_libraries(settlement_awards_mysql PUBLIC settlement_awards db
                      PRIVATE nlohmann_json::nlohmann_json)
