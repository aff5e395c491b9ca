// Writing the CLI's output: straight to standard output, whole, in one place.
#pragma once

#include <cerrno>
#include <string>
#include <unistd.h>

// Writes all of s (retrying short writes and EINTR); stops quietly when the reader has gone
// away. Clears s, so that a caller can reuse it as a buffer.
inline void writeStdout(std::string &s)
{
    const char *p = s.data();
    std::size_t left = s.size();
    while (left > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        p += n;
        left -= std::size_t(n);
    }
    s.clear();
}
