// Chunks written on two threads are taken in order, each once, and a second thread writes
// only when there are two chunks or more (formats/orderedchunks.h).
#include "formats/orderedchunks.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace tcpscope;

class TestOrderedChunks : public QObject
{
    Q_OBJECT
private slots:
    void inOrder_data();
    void inOrder();
};

void TestOrderedChunks::inOrder_data()
{
    QTest::addColumn<int>("chunks");
    for (const int n : {0, 1, 2, 3, 8, 101})
        QTest::newRow(qPrintable(QString::number(n))) << n;
}

void TestOrderedChunks::inOrder()
{
    QFETCH(int, chunks);
    const std::thread::id caller = std::this_thread::get_id();
    std::atomic<int> elsewhere = 0;
    std::string all, expected;
    writeChunksInOrder(
        std::size_t(chunks),
        [&](std::size_t k, std::string &chunk, std::vector<char> &scratch) {
            scratch.resize(16);
            chunk += std::to_string(k) + ',';
            if (std::this_thread::get_id() != caller)
                ++elsewhere;
        },
        [&](std::string &chunk) {
            QCOMPARE(std::this_thread::get_id(), caller);
            all += chunk;
            chunk.clear();
        });
    for (int k = 0; k < chunks; ++k)
        expected += std::to_string(k) + ',';
    QCOMPARE(all, expected);
    QCOMPARE(elsewhere.load(), chunks < 2 ? 0 : chunks / 2);
}

QTEST_GUILESS_MAIN(TestOrderedChunks)
#include "tst_orderedchunks.moc"
