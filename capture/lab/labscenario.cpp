#include "lab/labscenario.h"

#include "kernel/systemsettings.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QThread>

#include <unistd.h>

namespace tcpscope {

namespace {

using S = TcpState;

double now() { return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0; }

LabExpect in(const QString &who, S state, int atLeast = 1) { return {who, state, atLeast, -1}; }
LabExpect gone(const QString &who) { return {who, std::nullopt, 1, -1}; }

// The opening every connection scenario shares: a listener, a client, the accepted socket.
std::vector<LabStep> opening()
{
    return {
        {QStringLiteral("The server calls listen(): its socket enters LISTEN and waits for SYNs."),
         QStringLiteral("服务器调用 listen():它的套接字进入 LISTEN,等待 SYN。"),
         S::Listen,
         [](LabContext &c) { return c.listen(u"listener"_qs); },
         {in(u"listener"_qs, S::Listen)}},
        {QStringLiteral("The client calls connect(): SYN, SYN+ACK, ACK — the three-way handshake; "
                        "the server accepts: both ends ESTABLISHED."),
         QStringLiteral("客户端调用 connect():SYN、SYN+ACK、ACK——三次握手;服务器 accept():"
                        "两端都进入 ESTABLISHED。"),
         S::Established,
         [](LabContext &c) {
             return c.connect(u"client"_qs, u"listener"_qs)
                    && c.accept(u"server"_qs, u"listener"_qs);
         },
         {in(u"client"_qs, S::Established), in(u"server"_qs, S::Established)}},
    };
}

std::vector<LabStep> withOpening(std::vector<LabStep> rest)
{
    std::vector<LabStep> steps = opening();
    steps.insert(steps.end(), rest.begin(), rest.end());
    return steps;
}

QString sysctl(const QString &name)
{
    for (const SettingValue &v : readSysctls()) {
        if (v.name == name)
            return v.value.value_or(QString());
    }
    return QString();
}

std::vector<LabScenario> makeScenarios()
{
    std::vector<LabScenario> all;

    all.push_back(
        {u"client-close"_qs, u"Handshake and four-way close, client first"_qs,
         u"三次握手与四次挥手,客户端先关闭"_qs,
         u"A connection opens and the client closes first: FIN_WAIT_2 and CLOSE_WAIT, "
         u"then TIME_WAIT on the client."_qs,
         u"建立连接后客户端先关闭:FIN_WAIT_2 与 CLOSE_WAIT,然后客户端进入 TIME_WAIT。"_qs, false,
         withOpening({
             {u"The client calls close(): its FIN leaves (FIN_WAIT_1); the server's "
              u"kernel acknowledges it: client FIN_WAIT_2, server CLOSE_WAIT."_qs,
              u"客户端调用 close():FIN 发出(FIN_WAIT_1);服务器内核确认它:客户端 "
              u"FIN_WAIT_2,服务器 CLOSE_WAIT。"_qs,
              S::FinWait2,
              [](LabContext &c) { return c.close(u"client"_qs); },
              {in(u"client"_qs, S::FinWait2), in(u"server"_qs, S::CloseWait)}},
             {u"The server reads the end of the stream and calls close(): its FIN leaves "
              u"(LAST_ACK); the client acknowledges it and enters TIME_WAIT for 60 s; "
              u"the server's socket is gone."_qs,
              u"服务器读到流结束并调用 close():FIN 发出(LAST_ACK);客户端确认并进入 "
              u"TIME_WAIT 60 秒;服务器的套接字消失。"_qs,
              S::TimeWait,
              [](LabContext &c) { return c.readToEnd(u"server"_qs) && c.close(u"server"_qs); },
              {in(u"client"_qs, S::TimeWait), gone(u"server"_qs)}},
         })});

    all.push_back(
        {u"server-close"_qs, u"The server closes first"_qs, u"服务器先关闭"_qs,
         u"The server closes first: the TIME_WAIT lands on the server."_qs,
         u"服务器先关闭:TIME_WAIT 落在服务器一侧。"_qs, false,
         withOpening({
             {u"The server calls close(): its FIN leaves; server FIN_WAIT_2, client "
              u"CLOSE_WAIT."_qs,
              u"服务器调用 close():FIN 发出;服务器 FIN_WAIT_2,客户端 CLOSE_WAIT。"_qs,
              S::FinWait2,
              [](LabContext &c) { return c.close(u"server"_qs); },
              {in(u"server"_qs, S::FinWait2), in(u"client"_qs, S::CloseWait)}},
             {u"The client reads the end and closes: LAST_ACK, then gone; the server, "
              u"which closed first, keeps the TIME_WAIT."_qs,
              u"客户端读到流结束并关闭:LAST_ACK,然后消失;先关闭的服务器保留 TIME_WAIT。"_qs,
              S::TimeWait,
              [](LabContext &c) { return c.readToEnd(u"client"_qs) && c.close(u"client"_qs); },
              {in(u"server"_qs, S::TimeWait), gone(u"client"_qs)}},
         })});

    {
        LabScenario s{u"close-wait-leak"_qs,
                      u"CLOSE_WAIT leak"_qs,
                      u"CLOSE_WAIT 泄漏"_qs,
                      u"Peers close; the application never calls close(): CLOSE_WAIT piles up and "
                      u"stays, while the peers' FIN_WAIT_2 time out."_qs,
                      u"对端关闭,应用从不调用 close():CLOSE_WAIT 堆积且一直存在,而对端的 "
                      u"FIN_WAIT_2 超时消失。"_qs,
                      false,
                      {}};
        s.steps.push_back(opening().front());
        s.steps.push_back(
            {u"Five clients connect and the server accepts them all."_qs,
             u"五个客户端连接,服务器全部接受。"_qs,
             S::Established,
             [](LabContext &c) {
                 QStringList clients, servers;
                 for (int i = 1; i <= 5; ++i) {
                     const QString cn = u"client%1"_qs.arg(i), sn = u"server%1"_qs.arg(i);
                     if (!c.connect(cn, u"listener"_qs) || !c.accept(sn, u"listener"_qs))
                         return false;
                     clients << cn;
                     servers << sn;
                 }
                 c.group(u"clients"_qs, clients);
                 c.group(u"servers"_qs, servers);
                 return true;
             },
             {in(u"clients"_qs, S::Established, 5), in(u"servers"_qs, S::Established, 5)}});
        s.steps.push_back(
            {u"The clients call close() (their orphaned FIN_WAIT_2 will live 5 s: TCP_LINGER2); "
             u"the server's kernel acknowledges each FIN: five CLOSE_WAIT, Recv-Q 1 (the end of "
             u"stream, unread)."_qs,
             u"客户端调用 close()(其孤儿 FIN_WAIT_2 只存活 5 秒:TCP_LINGER2);服务器内核确认每个 "
             u"FIN:五个 CLOSE_WAIT,Recv-Q 为 1(未读的流结束)。"_qs,
             S::CloseWait,
             [](LabContext &c) {
                 for (int i = 1; i <= 5; ++i) {
                     const QString cn = u"client%1"_qs.arg(i);
                     if (!c.setOrphanTimeout(cn, 5) || !c.close(cn))
                         return false;
                 }
                 return true;
             },
             {in(u"servers"_qs, S::CloseWait, 5), in(u"clients"_qs, S::FinWait2, 5)}});
        s.steps.push_back(
            {u"The application never calls close(). CLOSE_WAIT has no timer: the server's sockets "
             u"stay. The clients' orphaned FIN_WAIT_2 end on their timeout (tcp_fin_timeout, 60 s "
             u"by default; 5 s here)."_qs,
             u"应用从不调用 close()。CLOSE_WAIT 没有计时器:服务器的套接字一直留着。客户端的孤儿 "
             u"FIN_WAIT_2 在超时后结束(默认 tcp_fin_timeout 60 秒;这里 5 秒)。"_qs,
             S::CloseWait,
             [](LabContext &) { return true; },
             {gone(u"clients"_qs), in(u"servers"_qs, S::CloseWait, 5)},
             12});
        s.steps.push_back(
            {u"Only close() ends it: the server closes; its FINs meet sockets that no longer "
             u"exist and are answered with RST."_qs,
             u"只有 close() 能结束它:服务器关闭;它的 FIN 遇到已不存在的套接字,被 RST 应答。"_qs,
             S::LastAck,
             [](LabContext &c) {
                 for (int i = 1; i <= 5; ++i) {
                     if (!c.close(u"server%1"_qs.arg(i)))
                         return false;
                 }
                 return true;
             },
             {gone(u"servers"_qs)}});
        all.push_back(std::move(s));
    }

    all.push_back(
        {u"fork"_qs, u"fork(): a shared socket"_qs, u"fork():共享的套接字"_qs,
         u"A child inherits the socket: close() in one process sends no FIN, shutdown() does, and "
         u"the other copy of the descriptor stays open until it is closed too."_qs,
         u"子进程继承套接字:一个进程中的 close() 不发 FIN,shutdown() 会发;另一份描述符副本一直"
         u"打开,直到它也被关闭。"_qs,
         false,
         withOpening({
             {u"The server forks: the child process inherits the accepted socket (two descriptors, "
              u"one socket)."_qs,
              u"服务器 fork:子进程继承已接受的套接字(两个描述符,一个套接字)。"_qs,
              S::Established,
              [](LabContext &c) { return c.forkHolder(u"server"_qs); },
              {in(u"server"_qs, S::Established)}},
             {u"The parent calls close(): the count of descriptors drops to one, no FIN leaves, "
              u"both ends stay ESTABLISHED."_qs,
              u"父进程调用 close():描述符计数降为 1,不发 FIN,两端仍是 ESTABLISHED。"_qs,
              S::Established,
              [](LabContext &c) { return c.close(u"server"_qs); },
              {in(u"server"_qs, S::Established), in(u"client"_qs, S::Established)},
              1.5},
             {u"The child calls shutdown(SHUT_WR): the FIN leaves although a descriptor is still "
              u"open: server FIN_WAIT_2, client CLOSE_WAIT."_qs,
              u"子进程调用 shutdown(SHUT_WR):尽管描述符仍然打开,FIN 照样发出:服务器 FIN_WAIT_2,"
              u"客户端 CLOSE_WAIT。"_qs,
              S::FinWait2,
              [](LabContext &c) { return c.childShutdownWrite(u"server"_qs); },
              {in(u"server"_qs, S::FinWait2), in(u"client"_qs, S::CloseWait)}},
             {u"The client closes: the server's side enters TIME_WAIT. The connection is over, yet "
              u"the child's descriptor is still open: it leaks until closed."_qs,
              u"客户端关闭:服务器一侧进入 TIME_WAIT。连接已结束,但子进程的描述符仍然打开:在关闭"
              u"之前一直泄漏。"_qs,
              S::TimeWait,
              [](LabContext &c) { return c.readToEnd(u"client"_qs) && c.close(u"client"_qs); },
              {in(u"server"_qs, S::TimeWait), gone(u"client"_qs)}},
             {u"The child calls close(): only now is the last descriptor freed; nothing is sent."_qs,
              u"子进程调用 close():直到现在最后一个描述符才被释放;不发送任何报文。"_qs,
              S::TimeWait,
              [](LabContext &c) { return c.childClose(u"server"_qs); },
              {in(u"server"_qs, S::TimeWait)},
              1},
         })});

    all.push_back(
        {u"half-close"_qs, u"Half-close"_qs, u"半关闭"_qs,
         u"shutdown(SHUT_WR) closes one direction; data still flows the other way."_qs,
         u"shutdown(SHUT_WR) 只关闭一个方向;另一个方向的数据照常流动。"_qs, false,
         withOpening({
             {u"The client calls shutdown(SHUT_WR): its FIN leaves; client FIN_WAIT_2, server "
              u"CLOSE_WAIT — the client can still receive."_qs,
              u"客户端调用 shutdown(SHUT_WR):FIN 发出;客户端 FIN_WAIT_2,服务器 CLOSE_WAIT——"
              u"客户端仍可接收。"_qs,
              S::FinWait2,
              [](LabContext &c) { return c.shutdownWrite(u"client"_qs); },
              {in(u"client"_qs, S::FinWait2), in(u"server"_qs, S::CloseWait)}},
             {u"The server sends data; the half-closed client reads it. No state changes."_qs,
              u"服务器发送数据;半关闭的客户端读取它。状态不变。"_qs,
              S::CloseWait,
              [](LabContext &c) {
                  QByteArray got;
                  if (!c.send(u"server"_qs, "still talking"))
                      return false;
                  QThread::msleep(50);
                  if (!c.receiveAll(u"client"_qs, &got))
                      return false;
                  c.note(u"the client read \"%1\""_qs.arg(QString::fromLatin1(got)));
                  return got == "still talking";
              },
              {in(u"client"_qs, S::FinWait2), in(u"server"_qs, S::CloseWait)}},
             {u"The server closes: the client, which closed first, enters TIME_WAIT."_qs,
              u"服务器关闭:先关闭的客户端进入 TIME_WAIT。"_qs,
              S::TimeWait,
              [](LabContext &c) { return c.close(u"server"_qs); },
              {in(u"client"_qs, S::TimeWait), gone(u"server"_qs)}},
         })});

    all.push_back(
        {u"linger-zero"_qs, u"Abortive close: SO_LINGER 0"_qs, u"异常关闭:SO_LINGER 为 0"_qs,
         u"close() with SO_LINGER 0 sends RST: no FIN, no TIME_WAIT."_qs,
         u"SO_LINGER 为 0 时 close() 发送 RST:没有 FIN,也没有 TIME_WAIT。"_qs, false,
         withOpening({
             {u"The client sets SO_LINGER to 0 and calls close(): an RST leaves; both sockets are "
              u"gone at once, and there is no TIME_WAIT."_qs,
              u"客户端把 SO_LINGER 设为 0 并调用 close():发出 RST;两个套接字立即消失,没有 "
              u"TIME_WAIT。"_qs,
              S::Closed,
              [](LabContext &c) { return c.setLingerZero(u"client"_qs) && c.close(u"client"_qs); },
              {gone(u"client"_qs), gone(u"server"_qs)}},
         })});

    all.push_back(
        {u"unread-data"_qs, u"Closing with unread data"_qs, u"有未读数据时关闭"_qs,
         u"close() with data still in the receive queue: the kernel sends RST instead of FIN."_qs,
         u"接收队列中还有数据时 close():内核发送 RST 而不是 FIN。"_qs, false,
         withOpening({
             {u"The server sends data the client never reads: the client's Recv-Q holds it."_qs,
              u"服务器发送客户端从不读取的数据:数据停在客户端的 Recv-Q 中。"_qs,
              S::Established,
              [](LabContext &c) { return c.send(u"server"_qs, "unread"); },
              {in(u"client"_qs, S::Established)}},
             {u"The client calls close() with that data unread: RST instead of FIN; both sockets "
              u"are gone, no TIME_WAIT."_qs,
              u"客户端在数据未读时调用 close():发出 RST 而不是 FIN;两个套接字都消失,没有 "
              u"TIME_WAIT。"_qs,
              S::Closed,
              [](LabContext &c) { return c.close(u"client"_qs); },
              {gone(u"client"_qs), gone(u"server"_qs)}},
         })});

    all.push_back(
        {u"refused"_qs,
         u"Connection refused"_qs,
         u"连接被拒绝"_qs,
         u"connect() to a port nobody listens on: the SYN is answered with RST."_qs,
         u"connect() 到无人监听的端口:SYN 被 RST 应答。"_qs,
         false,
         {{u"The client connects to a port nobody listens on: SYN_SENT, the kernel answers "
           u"RST, connect() fails with ECONNREFUSED; no connection remains."_qs,
           u"客户端连接一个无人监听的端口:SYN_SENT,内核回复 RST,connect() 以 "
           u"ECONNREFUSED 失败;不留下任何连接。"_qs,
           S::SynSent,
           [](LabContext &c) { return c.connectRefused(u"client"_qs); },
           {gone(u"client"_qs)}}}});

    all.push_back(
        {u"time-wait-burst"_qs,
         u"TIME_WAIT pile-up"_qs,
         u"TIME_WAIT 堆积"_qs,
         u"A burst of short connections closed by the client: TIME_WAIT piles up on the client "
         u"side and uses ephemeral ports for that destination."_qs,
         u"客户端关闭的一批短连接:TIME_WAIT 在客户端一侧堆积,占用通往该目的地的临时端口。"_qs,
         false,
         {opening().front(),
          {u"200 short connections, each closed by the client first: 200 TIME_WAIT on the client "
           u"side, each holding its port for this destination for 60 s."_qs,
           u"200 个短连接,每个都由客户端先关闭:客户端一侧 200 个 TIME_WAIT,每个在 60 秒内占用通往"
           u"该目的地的一个端口。"_qs,
           S::TimeWait,
           [](LabContext &c) {
               if (!c.shortConnections(u"clients"_qs, u"listener"_qs, 200))
                   return false;
               const QStringList range =
                   sysctl(u"net.ipv4.ip_local_port_range"_qs).split(u' ', Qt::SkipEmptyParts);
               const int size = range.size() == 2 ? range[1].toInt() - range[0].toInt() + 1 : 0;
               c.note(u"ephemeral ports for this destination: %1 in ip_local_port_range, 200 held "
                      u"by TIME_WAIT, %2 left; tcp_tw_reuse = %3 (1, or 2 on loopback: connect() "
                      u"may take over a TIME_WAIT older than 1 s)"_qs.arg(size)
                          .arg(size - 200)
                          .arg(sysctl(u"net.ipv4.tcp_tw_reuse"_qs)));
               return true;
           },
           {in(u"clients"_qs, S::TimeWait, 200)}}}});

    all.push_back(
        {u"accept-queue"_qs,
         u"A listener that does not accept()"_qs,
         u"不调用 accept() 的监听者"_qs,
         u"Connections complete in the kernel and wait in the accept queue until it is full; "
         u"then new handshakes wait."_qs,
         u"连接在内核中完成握手并在 accept 队列中等待,直到队列满;之后新的握手只能等待。"_qs,
         false,
         {{u"The server listens with a backlog of 2 and never calls accept()."_qs,
           u"服务器以 backlog 2 监听,且从不调用 accept()。"_qs,
           S::Listen,
           [](LabContext &c) { return c.listen(u"listener"_qs, 2); },
           {in(u"listener"_qs, S::Listen)}},
          {u"Six clients connect: three complete and wait in the accept queue (Recv-Q 3 = backlog "
           u"+ 1, Send-Q 2 = the limit); the others' handshakes cannot finish."_qs,
           u"六个客户端连接:三个完成握手并在 accept 队列中等待(Recv-Q 3 = backlog + 1,Send-Q 2 = "
           u"上限);其余的握手无法完成。"_qs,
           S::Listen,
           [](LabContext &c) { return c.connectMany(u"clients"_qs, u"listener"_qs, 6); },
           {{u"listener"_qs, S::Listen, 1, 3}, in(u"clients"_qs, S::Established, 3)}},
          {u"The server accepts one: the queue shrinks by one and a waiting client gets in."_qs,
           u"服务器接受一个:队列减少一个,一个等待中的客户端得以进入。"_qs,
           S::Established,
           [](LabContext &c) { return c.accept(u"server"_qs, u"listener"_qs); },
           {in(u"server"_qs, S::Established)}}}});

    all.push_back(
        {u"simultaneous"_qs,
         u"Simultaneous close and simultaneous open"_qs,
         u"同时关闭与同时打开"_qs,
         u"In a network namespace, nftables holds back FINs (then SYNs) until both sides have "
         u"sent theirs: both sides close at once, then open at once."_qs,
         u"在网络命名空间中,nftables 拦住 FIN(然后是 SYN),直到双方都发出:双方同时关闭,然后同时"
         u"打开。"_qs,
         true,
         {{u"A network namespace of its own, with nftables dropping every FIN on lo."_qs,
           u"一个独立的网络命名空间,nftables 丢弃 lo 上的所有 FIN。"_qs,
           S::Established,
           [](LabContext &c) {
               return c.enterNamespace() && c.nft({u"add"_qs, u"table"_qs, u"inet"_qs, u"lab"_qs})
                      && c.nft({u"add"_qs, u"chain"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs,
                                u"{ type filter hook output priority 0; }"_qs})
                      && c.nft({u"add"_qs, u"rule"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs, u"tcp"_qs,
                                u"flags"_qs, u"&"_qs, u"fin"_qs, u"=="_qs, u"fin"_qs, u"drop"_qs})
                      && c.listen(u"listener"_qs) && c.connect(u"client"_qs, u"listener"_qs)
                      && c.accept(u"server"_qs, u"listener"_qs);
           },
           {in(u"client"_qs, S::Established), in(u"server"_qs, S::Established)}},
          {u"Both sides call close(): both FINs are held back, both sides wait in FIN_WAIT_1."_qs,
           u"双方都调用 close():两个 FIN 都被拦住,双方都在 FIN_WAIT_1 中等待。"_qs,
           S::FinWait1,
           [](LabContext &c) { return c.close(u"client"_qs) && c.close(u"server"_qs); },
           {in(u"client"_qs, S::FinWait1), in(u"server"_qs, S::FinWait1)}},
          {u"The FINs are let through: the peer's FIN reaches a side whose own FIN is not yet "
           u"acknowledged (FIN_WAIT_1 → CLOSING, or straight to TIME_WAIT when it carries the "
           u"ACK) — and, unlike an ordinary close, both sides end in TIME_WAIT."_qs,
           u"放行 FIN:对方的 FIN 到达时,本方的 FIN 尚未被确认(FIN_WAIT_1 → CLOSING;若它同时"
           u"携带 ACK 则直接进入 TIME_WAIT)——与普通关闭不同,双方最终都进入 TIME_WAIT。"_qs,
           S::Closing,
           [](LabContext &c) {
               return c.nft({u"flush"_qs, u"chain"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs});
           },
           {in(u"client"_qs, S::TimeWait), in(u"server"_qs, S::TimeWait)},
           10},
          {u"Now SYNs are held back, and two sockets connect to each other at once: both SYN_SENT."_qs,
           u"现在拦住 SYN,两个套接字同时互相连接:双方都处于 SYN_SENT。"_qs,
           S::SynSent,
           [](LabContext &c) {
               return c.nft({u"add"_qs, u"rule"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs, u"tcp"_qs,
                             u"flags"_qs, u"&"_qs, u"syn"_qs, u"=="_qs, u"syn"_qs, u"drop"_qs})
                      && c.connectEachOther(u"left"_qs, u"right"_qs);
           },
           {in(u"left"_qs, S::SynSent), in(u"right"_qs, S::SynSent)}},
          {u"The SYNs are let through: a side still in SYN_SENT receives the other's SYN "
           u"(SYN_RECEIVED, it answers SYN+ACK), and both become ESTABLISHED: one connection, "
           u"opened from both ends, with no listener at all."_qs,
           u"放行 SYN:仍处于 SYN_SENT 的一方收到对方的 SYN(进入 SYN_RECEIVED,回复 SYN+ACK),"
           u"双方都进入 ESTABLISHED:一条从两端同时打开的连接,根本没有监听者。"_qs,
           S::SynReceived,
           [](LabContext &c) {
               return c.nft({u"flush"_qs, u"chain"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs});
           },
           {in(u"left"_qs, S::Established), in(u"right"_qs, S::Established)},
           10}}});
    return all;
}

} // namespace

QString LabExpect::text() const
{
    QString t = who + u' ' + (state ? rfcName(*state) : u"gone"_qs);
    if (atLeast > 1)
        t += u" ×%1"_qs.arg(atLeast);
    if (minRecvQ >= 0)
        t += u" (Recv-Q ≥ %1)"_qs.arg(minRecvQ);
    return t;
}

const std::vector<LabScenario> &labScenarios()
{
    static const std::vector<LabScenario> all = makeScenarios();
    return all;
}

const LabScenario *findLabScenario(const QString &name)
{
    for (const LabScenario &s : labScenarios()) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

LabRun::LabRun(const LabScenario &scenario)
    : m_scenario(scenario)
{}

std::vector<SocketRecord> LabRun::poll(std::vector<Transition> *transitions)
{
    if (!m_table || m_tableInNamespace != m_context.inNamespace()) {
        KernelTableOptions o;
        o.processes = false;
        m_table = std::make_unique<KernelTable>(o); // its netlink socket in our namespace now
        m_tableInNamespace = m_context.inNamespace();
        m_diff = SocketTable();
        m_primed = false;
    }
    std::vector<SocketRecord> all, ours;
    m_table->read(all);
    const QList<quint16> ports = m_context.ports();
    for (const SocketRecord &r : all) {
        if (ports.contains(r.localPort) && (r.remotePort == 0 || ports.contains(r.remotePort)))
            ours.push_back(r);
    }
    std::vector<Transition> t = m_diff.apply(ours, now());
    if (m_primed && transitions)
        transitions->insert(transitions->end(), t.begin(), t.end());
    m_primed = true;
    return ours;
}

bool LabRun::met(const LabExpect &e, const std::vector<SocketRecord> &records) const
{
    int present = 0, matching = 0;
    for (const SocketRecord &r : records) {
        if (!m_context.owns(e.who, r))
            continue;
        ++present;
        if (e.state && r.state == *e.state && (e.minRecvQ < 0 || int(r.recvQ) >= e.minRecvQ))
            ++matching;
    }
    return e.state ? matching >= e.atLeast : present == 0;
}

LabRun::StepResult LabRun::runStep(std::size_t index)
{
    StepResult result;
    const LabStep &step = m_scenario.steps.at(index);
    poll(nullptr); // what exists before the step
    QElapsedTimer clock;
    clock.start();
    result.acted = step.act(m_context);
    result.note = m_context.takeNote();
    if (!result.acted) {
        result.error = m_context.error();
        return result;
    }
    std::vector<SocketRecord> records;
    const auto allMet = [&] {
        return std::all_of(step.expect.begin(), step.expect.end(),
                           [&](const LabExpect &e) { return met(e, records); });
    };
    bool all = false;
    const qint64 limit = qint64(step.timeoutSeconds * 1000);
    do {
        records = poll(&result.observed);
        all = allMet();
        if (!all)
            QThread::msleep(10);
    } while (!all && clock.elapsed() < limit && !(m_stop && *m_stop));
    // A step whose point is that nothing changes ("no FIN leaves") watches for its whole time.
    const bool steady = step.timeoutSeconds <= 2;
    while (steady && all && clock.elapsed() < limit && !(m_stop && *m_stop)) {
        QThread::msleep(20);
        records = poll(&result.observed);
        all = allMet();
    }
    for (const LabExpect &e : step.expect)
        result.expectations.push_back({e, met(e, records)});
    result.ok = all;
    result.seconds = double(clock.elapsed()) / 1000.0;
    return result;
}

} // namespace tcpscope
