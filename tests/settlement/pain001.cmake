# The pain.001 writer, the XSD validation and the CSV report. The schema is read from
# ${PROCURA_SHARED_DIR}; without it the executable exits 77 and CTest reports it as skipped.
procura_unit_test(pain001_tests ${CMAKE_CURRENT_LIST_DIR}/pain001_main.cpp
                  ${CMAKE_CURRENT_LIST_DIR}/pain001_test.cpp)
target_compile_definitions(pain001_tests PRIVATE
  PROCURA_PAIN001_XSD="${PROCURA_SHARED_DIR}/schemas/iso20022/pain.001.001.09.xsd")
target_link_libraries(pain001_tests PRIVATE settlement_pain001 Threads::Threads)
set_tests_properties(pain001_tests PROPERTIES LABELS unit SKIP_RETURN_CODE 77)
