#include "cli_netns.h"
#include "cli_output.h"

#include "formats/jsonwriter.h"
#include "kernel/netnsdiscovery.h"

#include <cstdio>

using namespace tcpscope;

std::optional<NetnsSelection> parseNetnsOption(const QString &value, QString *error)
{
    if (value == u"all")
        return NetnsSelection::all();
    if (const auto target = NetnsTarget::parse(value, error))
        return NetnsSelection::one(*target);
    return std::nullopt;
}

NetnsLabels netnsLabels(const KernelTable &table)
{
    NetnsLabels labels;
    for (const NetNamespace &ns : table.namespaces())
        labels.emplace(ns.inode, ns.label.toStdString());
    return labels;
}

int runNetns(const QStringList &args)
{
    bool json = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == u"--format" && i + 1 < args.size()
            && (args[i + 1] == u"json" || args[i + 1] == u"text")) {
            json = args[++i] == u"json";
        } else {
            std::fprintf(stderr,
                         "tcpscope-cli netns: unknown option '%s' (see tcpscope-cli "
                         "--help)\n",
                         qPrintable(args[i]));
            return 2;
        }
    }
    const std::vector<NetNamespace> found = discoverNamespaces();
    std::string out;
    if (json) {
        JsonWriter w(out);
        w.beginArray();
        for (const NetNamespace &ns : found) {
            w.beginObject();
            w.field("netns", std::uint64_t(ns.inode));
            w.field("netns_label", ns.label);
            w.key("name");
            if (ns.name.isEmpty())
                w.null();
            else
                w.value(ns.name);
            w.key("pid");
            if (ns.pid)
                w.value(ns.pid);
            else
                w.null();
            w.field("own", ns.own);
            w.endObject();
        }
        w.endArray();
        out += '\n';
    } else {
        char line[512];
        std::snprintf(line, sizeof line, "%-12s %-8s %-24s %s\n", "Inode", "Pid", "Name", "Label");
        out += line;
        for (const NetNamespace &ns : found) {
            std::snprintf(line, sizeof line, "%-12u %-8s %-24s %s%s\n", ns.inode,
                          ns.pid ? std::to_string(ns.pid).c_str() : "-",
                          ns.name.isEmpty() ? "-" : qPrintable(ns.name), qPrintable(ns.label),
                          ns.own ? "  (this process's)" : "");
            out += line;
        }
        out += "# tcpscope-cli snapshot --netns NAME|PID|all shows a namespace's sockets\n";
    }
    writeStdout(out);
    return 0;
}
