// Text written in chunks on two threads and taken in order on the calling one: summarize's
// JSON of a large capture (about as long to write as the capture took to read) in half the
// time. The second thread writes the odd chunks, at most a few ahead; memory stays bounded.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace tcpscope {

// write(k, buffer, scratch) appends chunk k to buffer, with scratch space of the thread's own;
// take(buffer) consumes it (and may clear it). With fewer than two chunks, no thread starts.
void writeChunksInOrder(
    std::size_t chunks,
    const std::function<void(std::size_t, std::string &, std::vector<char> &)> &write,
    const std::function<void(std::string &)> &take);

} // namespace tcpscope
