# The bank file of a settlement batch: ISO 20022 pain.001.001.09 written with libxml2's tree
# API, validated against the XSD whose path the caller passes, and the CSV report. libxml2
# stays private: nothing outside settlement/pain001.cpp includes its headers.
if(NOT TARGET LibXml2::LibXml2)
  find_package(LibXml2 REQUIRED)
  # Imported targets are directory-scoped; the tests link this library from another folder.
  set_target_properties(LibXml2::LibXml2 PROPERTIES IMPORTED_GLOBAL TRUE)
endif()
add_library(settlement_pain001 ${CMAKE_CURRENT_LIST_DIR}/pain001.cpp)
target_include_directories(settlement_pain001 PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(settlement_pain001 PUBLIC core PRIVATE LibXml2::LibXml2)
