# Every library comes from Debian 12's -dev packages (scripts/deps.sh installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(CBOR REQUIRED IMPORTED_TARGET libcbor)

# Boost headers are treated as system headers so their warnings stay out of ours.
add_library(telehealth_boost INTERFACE)
target_include_directories(telehealth_boost SYSTEM INTERFACE ${Boost_INCLUDE_DIRS})
target_compile_definitions(telehealth_boost INTERFACE
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW
)
