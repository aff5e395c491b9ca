// Closing one connection from the window (TCPView's "Close Connection", ss -K): the trace
// helper's --kill (app/trace_kill.cpp) destroys the socket through sock_diag's SOCK_DESTROY.
// The application holding it gets ECONNABORTED on its next call, the peer a reset.
#pragma once

#include <QString>

namespace tcpscope {

struct SocketKillResult
{
    // As the helper's exit status says (0, 3, 4, 5; anything else: Failed).
    enum class Outcome { Closed, NoPermission, Unsupported, NotFound, Failed };
    Outcome outcome = Outcome::Failed;
    QString message; // the helper's own words (what to do about a refusal), or why it did not run
};

// Runs `helper --kill LOCAL REMOTE` ("127.0.0.1:8080", "[::1]:8080") and waits for it (it
// answers within milliseconds; at most timeoutMs).
SocketKillResult killSocket(const QString &local, const QString &remote, const QString &helper,
                            int timeoutMs = 10000);

} // namespace tcpscope
