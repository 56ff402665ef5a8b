# Tests of evaluation records, awards and contracts: the pure rules and the service over fake
# stores (awards_tests, label unit); the MariaDB store (awards_db_tests, label db, against the
# `mariadb` fixture; skipped with 77 without it).
add_executable(awards_tests awards_main.cpp awards_rules_test.cpp awards_service_test.cpp
               awards_fake_store.cpp ../tender/fake_store.cpp)
target_compile_definitions(awards_tests PRIVATE BOOST_TEST_DYN_LINK)
target_include_directories(awards_tests PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(awards_tests PRIVATE settlement_awards tender Boost::unit_test_framework
                      nlohmann_json::nlohmann_json)
add_test(NAME awards_tests COMMAND awards_tests)
set_tests_properties(awards_tests PROPERTIES LABELS unit TIMEOUT 300)

add_executable(awards_db_tests awards_db_main.cpp awards_mysql_store_test.cpp)
target_compile_definitions(awards_db_tests PRIVATE BOOST_TEST_DYN_LINK)
target_include_directories(awards_db_tests PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(awards_db_tests PRIVATE test_db_support settlement_awards_mysql tender_mysql
                      db Boost::unit_test_framework Threads::Threads)
add_test(NAME awards_db_tests COMMAND awards_db_tests)
set_tests_properties(awards_db_tests PROPERTIES
  LABELS db
  FIXTURES_REQUIRED mariadb
  ENVIRONMENT PROCURA_TEST_DB_URL_FILE=${CMAKE_BINARY_DIR}/testdb/url
  SKIP_RETURN_CODE 77
  TIMEOUT 600)
