# Settlement batches: rules and the service over in-memory fakes (batch_tests, and
# batch_execute_tests which needs the XSD; label unit); the
# MariaDB store against the fixture's server (batch_db_tests, label db); and the crash test
# (settlement_crash, labels crash and db): `procura settle execute` killed with SIGKILL at
# seeded points, then run again, must end byte-identical to an uninterrupted run.
procura_unit_test(batch_tests
  ${CMAKE_CURRENT_LIST_DIR}/batch_main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/batch_rules_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/batch_service_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/batch_fake_store.cpp
  ${CMAKE_SOURCE_DIR}/tests/money/fake_store.cpp)
target_compile_definitions(batch_tests PRIVATE
  PROCURA_PAIN001_XSD="${PROCURA_SHARED_DIR}/schemas/iso20022/pain.001.001.09.xsd")
target_link_libraries(batch_tests PRIVATE settlement_batches money)
set_tests_properties(batch_tests PROPERTIES TIMEOUT 300)

# Execution over the same fakes, writing real bank files validated against the XSD: skipped
# (77) naming the file when the schema is missing.
procura_unit_test(batch_execute_tests
  ${CMAKE_CURRENT_LIST_DIR}/batch_execute_main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/batch_execute_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/batch_fake_store.cpp
  ${CMAKE_SOURCE_DIR}/tests/money/fake_store.cpp)
target_compile_definitions(batch_execute_tests PRIVATE
  PROCURA_PAIN001_XSD="${PROCURA_SHARED_DIR}/schemas/iso20022/pain.001.001.09.xsd")
target_link_libraries(batch_execute_tests PRIVATE settlement_batches money)
set_tests_properties(batch_execute_tests PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

# The MariaDB store against the fixture's server, one binary run as two tests, one per suite:
# racing preparations never take one item twice (batch_db_tests); executing twice and
# concurrently posts once, a cancellation racing an execution never lets both win
# (batch_db_execute_tests, which writes bank files and so is skipped, naming the file,
# without the pain.001 XSD). Without the fixture both exit 77 (skipped).
add_executable(batch_db_tests ${CMAKE_CURRENT_LIST_DIR}/batch_db_main.cpp
               ${CMAKE_CURRENT_LIST_DIR}/batch_mysql_store_test.cpp)
target_compile_definitions(batch_db_tests PRIVATE BOOST_TEST_DYN_LINK
  PROCURA_PAIN001_XSD="${PROCURA_SHARED_DIR}/schemas/iso20022/pain.001.001.09.xsd")
target_include_directories(batch_db_tests PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(batch_db_tests PRIVATE settlement_batches_mysql money_mysql test_db_support
                      Boost::unit_test_framework Threads::Threads)
add_test(NAME batch_db_tests COMMAND batch_db_tests --run_test=batch_mysql_store)
add_test(NAME batch_db_execute_tests COMMAND batch_db_tests --requires-schema
         --run_test=batch_mysql_execute)
set_tests_properties(batch_db_tests batch_db_execute_tests PROPERTIES
  LABELS db
  FIXTURES_REQUIRED mariadb
  ENVIRONMENT PROCURA_TEST_DB_URL_FILE=${CMAKE_BINARY_DIR}/testdb/url
  SKIP_RETURN_CODE 77
  TIMEOUT 300)

# Fills a database with tenders, bids, deposits, awards, contracts and accepted milestones for
# the e2e and crash tests (tests/settlement/batch_fixture.cpp).
add_executable(batch_fixture ${CMAKE_CURRENT_LIST_DIR}/batch_fixture.cpp)
target_include_directories(batch_fixture PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(batch_fixture PRIVATE money_mysql db core)

# The crash test: 20 seeds in CI (label crash, also in the default run); more with
# scripts/crash-test.sh --seeds N.
add_test(NAME settlement_crash
         COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/crash-test.sh --seeds 20)
set_tests_properties(settlement_crash PROPERTIES
  LABELS "crash;db"
  FIXTURES_REQUIRED mariadb
  SKIP_RETURN_CODE 77
  TIMEOUT 600
  ENVIRONMENT "PROCURA_BIN=$<TARGET_FILE:procura>;PROCURA_BATCH_FIXTURE=$<TARGET_FILE:batch_fixture>;PROCURA_TEST_DB_URL_FILE=${CMAKE_BINARY_DIR}/testdb/url;PROCURA_TEST_DB_SOCKET_FILE=${CMAKE_BINARY_DIR}/testdb/socket;PROCURA_PAIN001_XSD=${PROCURA_SHARED_DIR}/schemas/iso20022/pain.001.001.09.xsd")
