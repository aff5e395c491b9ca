// tcpscope-trace --kill LOCAL REMOTE: destroys one TCP socket through sock_diag's SOCK_DESTROY
// (what `ss -K` does; needs cap_net_admin and a kernel with CONFIG_INET_DIAG_DESTROY). The
// application holding it gets ECONNABORTED, its peer a reset. Plain C++, no Qt.
#pragma once

// Returns the exit code: 0 destroyed, 2 bad endpoints, 3 no permission, 4 the kernel cannot
// destroy sockets, 5 no such socket, 6 another error; says why on standard error.
int killSocket(const char *local, const char *remote);
