# The dataset importers' test (acled, ucdp-ged, gtd, gdelt over test/fixtures);
# included by CMakeLists.txt beside it.
faultline_test(dataset_formats_test SRCS dataset_formats_test.cc DEPS faultline_io)
if(TARGET dataset_formats_test)
  target_include_directories(dataset_formats_test PRIVATE ${PROJECT_SOURCE_DIR})
endif()
