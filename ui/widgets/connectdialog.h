// File ▸ Connect to host…: which host (user@host[:port], or a Host of ~/.ssh/config) and where
// tcpscope-cli is on it. No password field: tcpscope runs the system's ssh in batch mode, with
// the user's own keys and agent.
#pragma once

#include "remote/remotesource.h"

#include <QDialog>

class QLabel;
class QLineEdit;

namespace tcpscope {

class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);
    // The options chosen (after accept()); the host is remembered for next time.
    RemoteOptions options() const;

private:
    void check();

    QLineEdit *m_target = nullptr;
    QLineEdit *m_command = nullptr;
    QLabel *m_problem = nullptr;
};

} // namespace tcpscope
