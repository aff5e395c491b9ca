#include "widgets/connectdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace tcpscope {

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Connect to host"));
    QSettings s;
    m_target = new QLineEdit(s.value(QStringLiteral("remote/lastHost")).toString());
    m_target->setPlaceholderText(tr("user@host, host:2222, or a Host of ~/.ssh/config"));
    m_command = new QLineEdit(
        s.value(QStringLiteral("remote/command"), QStringLiteral("tcpscope-cli")).toString());
    auto *about = new QLabel(
        tr("tcpscope runs your ssh client (your keys, agent and ~/.ssh/config) in batch mode: "
           "it never asks for a password and stores none. Set up key login first "
           "(<code>ssh-copy-id</code>). The host needs tcpscope-cli; no root is needed there."));
    about->setWordWrap(true);
    m_problem = new QLabel;
    m_problem->setStyleSheet(QStringLiteral("color: #d62728"));
    auto *form = new QFormLayout;
    form->addRow(tr("Host:"), m_target);
    form->addRow(tr("tcpscope-cli on it:"), m_command);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::check);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(about);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    setMinimumWidth(480);
}

void ConnectDialog::check()
{
    if (!RemoteTarget::parse(m_target->text())) {
        m_problem->setText(tr("Not a host: write user@host, host, or host:port."));
        return;
    }
    QSettings s;
    s.setValue(QStringLiteral("remote/lastHost"), m_target->text().trimmed());
    const QString command = m_command->text().trimmed();
    if (command.isEmpty() || command == u"tcpscope-cli")
        s.remove(QStringLiteral("remote/command"));
    else
        s.setValue(QStringLiteral("remote/command"), command);
    accept();
}

RemoteOptions ConnectDialog::options() const
{
    return remoteOptionsFor(*RemoteTarget::parse(m_target->text()));
}

} // namespace tcpscope
