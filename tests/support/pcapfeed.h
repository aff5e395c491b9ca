// Feeds a recorded classic pcap file through a pipe in chunks of whole packets, from a
// thread, as a capture helper would write it: for tests that drive the real live worker.
#pragma once

#include <QByteArray>
#include <QFile>

#include <chrono>
#include <cstring>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tcpscope::test {

// The file header and each packet record of a classic pcap file.
struct PcapRecords
{
    QByteArray header;
    std::vector<QByteArray> records;
};

inline PcapRecords splitPcap(const QString &path)
{
    PcapRecords out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QByteArray all = f.readAll();
    out.header = all.left(24);
    for (qsizetype at = 24; at + 16 <= all.size();) {
        std::uint32_t caplen = 0;
        std::memcpy(&caplen, all.constData() + at + 8, 4);
        out.records.push_back(all.mid(at, 16 + qsizetype(caplen)));
        at += 16 + qsizetype(caplen);
    }
    return out;
}

inline bool writeAll(int fd, const QByteArray &b)
{
    for (qsizetype done = 0; done < b.size();) {
        const ssize_t n = ::write(fd, b.constData() + done, std::size_t(b.size() - done));
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

// Writes the file to fd in chunks of `perChunk` packets with `pause` between them, then
// closes fd (unless cutOff: the last record is written only in half, as a helper killed
// mid-write leaves it).
class PcapFeeder
{
public:
    PcapFeeder(PcapRecords file, int fd, std::size_t perChunk, std::chrono::milliseconds pause,
               bool cutOff = false)
        : m_thread([file = std::move(file), fd, perChunk, pause, cutOff] {
            writeAll(fd, file.header);
            for (std::size_t i = 0; i < file.records.size(); ++i) {
                const bool last = i + 1 == file.records.size();
                writeAll(fd, cutOff && last ? file.records[i].left(20) : file.records[i]);
                if ((i + 1) % perChunk == 0)
                    std::this_thread::sleep_for(pause);
            }
            ::close(fd);
        })
    {}
    ~PcapFeeder() { m_thread.join(); }
    PcapFeeder(const PcapFeeder &) = delete;
    PcapFeeder &operator=(const PcapFeeder &) = delete;

private:
    std::thread m_thread;
};

} // namespace tcpscope::test
