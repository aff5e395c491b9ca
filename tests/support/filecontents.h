// A test's input file read whole; a file that cannot be read ends the test run, naming it.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

namespace tcpscope::test {

inline QByteArray fileContents(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

} // namespace tcpscope::test
