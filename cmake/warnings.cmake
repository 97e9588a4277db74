# Warnings every target in this project compiles with. Each disabled warning is
# listed here with its reason.
add_library(telehealth_options INTERFACE)
target_compile_options(telehealth_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wimplicit-fallthrough -Wformat=2
  # Boost 1.74's Asio and Beast headers trip these under g++ 12; they are
  # included as system headers, but template instantiations still report them.
  -Wno-maybe-uninitialized
)
if(TELEHEALTH_WERROR)
  target_compile_options(telehealth_options INTERFACE -Werror)
endif()
# Boost 1.74's awaitable.hpp uses std::exchange without including <utility>
# (fails under g++ 12); force the include into every translation unit.
target_compile_options(telehealth_options INTERFACE -include utility)
target_include_directories(telehealth_options INTERFACE ${PROJECT_SOURCE_DIR}/src)
