// The Lab's sockets own their descriptors: a failing call leaves none behind, and a context
// closes every one it opened when it goes. Counted in /proc/self/fd around real loopback
// sockets.
#include "lab/labcontext.h"
#include "lab/uniquefd.h"

#include <QDir>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace tcpscope;

namespace {

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

bool isOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// A listener on a free loopback port: as long as it lives, nobody else can bind that port.
struct Occupied
{
    UniqueFd fd;
    quint16 port = 0;
};

Occupied occupyPort()
{
    Occupied o;
    o.fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (o.fd && ::bind(o.fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) == 0
        && ::listen(o.fd.get(), 1) == 0
        && ::getsockname(o.fd.get(), reinterpret_cast<sockaddr *>(&a), &len) == 0)
        o.port = ntohs(a.sin_port);
    return o;
}

} // namespace

class TestLabContext : public QObject
{
    Q_OBJECT
private slots:
    void uniqueFdClosesMovesAndReleases();
    void refusedProbeLeaksNothingWhenBindFails();
    void refusedConnectIsRefused();
    void contextClosesEverythingItOpened();
};

void TestLabContext::uniqueFdClosesMovesAndReleases()
{
    int pipefd[2];
    QCOMPARE(::pipe2(pipefd, O_CLOEXEC), 0);
    {
        UniqueFd a(pipefd[0]);
        UniqueFd b(pipefd[1]);
        QVERIFY(a && b);
        UniqueFd moved(std::move(a));
        QVERIFY(!a);
        QCOMPARE(moved.get(), pipefd[0]);
        QVERIFY(isOpen(pipefd[0]));
        moved = std::move(b); // closes the read end, takes the write end
        QVERIFY(!isOpen(pipefd[0]));
        QCOMPARE(moved.get(), pipefd[1]);
        const int raw = moved.release();
        QVERIFY(!moved);
        QCOMPARE(raw, pipefd[1]);
        moved.reset(raw);
    } // the write end closes with its owner
    QVERIFY(!isOpen(pipefd[1]));
}

void TestLabContext::refusedProbeLeaksNothingWhenBindFails()
{
    const Occupied taken = occupyPort();
    QVERIFY(taken.port);
    LabContext c;
    const int before = openDescriptors();
    QVERIFY(!c.connectRefused(u"client"_qs, taken.port)); // bind() fails: the port is in use
    QVERIFY2(c.error().contains(u"bind()"), qPrintable(c.error()));
    QCOMPARE(openDescriptors(), before);
}

void TestLabContext::refusedConnectIsRefused()
{
    LabContext c;
    const int before = openDescriptors();
    QVERIFY2(c.connectRefused(u"client"_qs), qPrintable(c.error()));
    const std::vector<LabNote> notes = c.takeNotes();
    QCOMPARE(int(notes.size()), 1);
    QCOMPARE(notes.front().id, u"connect-failed"_qs);
    QVERIFY(notes.front().args.value(u"port"_qs).toInt() > 0);
    QCOMPARE(notes.front().args.value(u"error"_qs), u"ECONNREFUSED"_qs);
    QVERIFY(LabNarration::builtin().note(notes.front().id)); // the note has its words
    QCOMPARE(openDescriptors(), before + 1); // the refused socket, kept until the context goes
}

void TestLabContext::contextClosesEverythingItOpened()
{
    const int before = openDescriptors();
    {
        LabContext c;
        QVERIFY2(c.listen(u"listener"_qs), qPrintable(c.error()));
        QVERIFY2(c.connect(u"client"_qs, u"listener"_qs), qPrintable(c.error()));
        QVERIFY2(c.accept(u"server"_qs, u"listener"_qs), qPrintable(c.error()));
        QVERIFY2(c.connectMany(u"clients"_qs, u"listener"_qs, 3), qPrintable(c.error()));
        QVERIFY2(c.connectEachOther(u"left"_qs, u"right"_qs), qPrintable(c.error()));
        QVERIFY2(c.forkHolder(u"server"_qs), qPrintable(c.error()));
        QCOMPARE(openDescriptors(), before + 1 + 1 + 1 + 3 + 2 + 1); // + the child's pipe
        QVERIFY(c.close(u"client"_qs));
        QCOMPARE(openDescriptors(), before + 8);
        QVERIFY(!c.close(u"client"_qs)); // closed once only
    }
    QCOMPARE(openDescriptors(), before);
}

QTEST_GUILESS_MAIN(TestLabContext)
#include "tst_labcontext.moc"
