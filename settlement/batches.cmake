# Settlement batches: prepare, four-eyes approval, exactly-once execution, bank files.
# settlement_batches: model, rules (parallel selection with oneTBB), the service and the JSON
# form; no SQL, no HTTP. settlement_batches_mysql: the MariaDB store, the only files here that
# include Connector/C++.
add_library(settlement_batches
  ${CMAKE_CURRENT_LIST_DIR}/batches/model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/batches/rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/batches/service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/batches/json.cpp)
target_include_directories(settlement_batches PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(settlement_batches PUBLIC core money settlement_pain001
                      nlohmann_json::nlohmann_json PRIVATE suppliers TBB::tbb)

add_library(settlement_batches_mysql ${CMAKE_CURRENT_LIST_DIR}/batches/mysql_store.cpp)
target_link_libraries(settlement_batches_mysql PUBLIC settlement_batches db
                      PRIVATE nlohmann_json::nlohmann_json)
