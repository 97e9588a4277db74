# Warnings every target in this project compiles with. Each disabled warning is
# listed here with its reason.
add_library(telehealth_options INTERFACE)
target_compile_options(telehealth_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2
  # Not enabled: -Wnull-dereference. At -O2, g++ 12 reports it inside Asio's
  # inlined scheduler (boost/asio/detail/impl/scheduler.ipp), which a system
  # include cannot silence.
  # Disabled: Boost 1.74's Asio and Beast headers trip this under g++ 12 in
  # template instantiations, where the system-header exemption does not apply.
  -Wno-maybe-uninitialized
  # Disabled: at -O2, g++ 12 reports Asio's coroutine frame allocator
  # (awaitable_frame_base::operator delete) as a mismatched new/delete pair;
  # a known false positive for coroutine frames.
  -Wno-mismatched-new-delete
)
if(TELEHEALTH_WERROR)
  target_compile_options(telehealth_options INTERFACE -Werror)
endif()
# Boost 1.74's awaitable.hpp uses std::exchange without including <utility>
# (fails under g++ 12); force the include into every translation unit.
target_compile_options(telehealth_options INTERFACE -include utility)
target_include_directories(telehealth_options INTERFACE ${PROJECT_SOURCE_DIR}/src)
