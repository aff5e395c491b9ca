#!/usr/bin/env python3
"""Fills tcpscope_zh_CN.ts from the table below (run after `update_translations` adds new
strings). A source without an entry here is left unfinished, and the translation test names it."""
import pathlib
import xml.etree.ElementTree as ET

ZH = {
    # Remote hosts over SSH: File ▸ Connect to host…, the remote tab's banner and status line.
    "Connect to host": "连接到主机",
    "user@host, host:2222, or a Host of ~/.ssh/config": "user@host、host:2222，或 ~/.ssh/config 中的某个 Host",
    "tcpscope runs your ssh client (your keys, agent and ~/.ssh/config) in batch mode: it never asks for a password and stores none. Set up key login first (<code>ssh-copy-id</code>). The host needs tcpscope-cli; no root is needed there.":
        "tcpscope 以批处理模式运行你的 ssh 客户端（使用你的密钥、代理和 ~/.ssh/config）：它从不询问密码，也不保存密码。请先设置好密钥登录（<code>ssh-copy-id</code>）。对端主机需要装有 tcpscope-cli；在那里不需要 root 权限。",
    "Host:": "主机：",
    "tcpscope-cli on it:": "对端的 tcpscope-cli：",
    "Connect": "连接",
    "Not a host: write user@host, host, or host:port.": "这不是主机名：请写成 user@host、host 或 host:port。",
    "Connect to &host…": "连接到主机(&H)…",
    "%1 over SSH": "%1（经 SSH）",
    "%1 (remote)": "%1（远程）",
    "kernel table of %1, over SSH": "%1 的内核套接字表（经 SSH）",
    "<b>%1 has no tcpscope-cli</b> (its shell says: <i>%2</i>).<br>Install it there from the Debian package: build it with <code>installers/build-deb.sh</code>, copy <code>build-deb/tcpscope-cli_*.deb</code> to the host and run <code>sudo apt-get install ./tcpscope-cli_*.deb</code> (see the README, \"Install for users\"). If it is installed outside the PATH, give its path in File ▸ Connect to host…, then press Retry now.":
        "<b>%1 上没有 tcpscope-cli</b>（它的 shell 说：<i>%2</i>）。<br>请在那里安装 Debian 软件包：用 <code>installers/build-deb.sh</code> 构建，把 <code>build-deb/tcpscope-cli_*.deb</code> 复制到该主机，再运行 <code>sudo apt-get install ./tcpscope-cli_*.deb</code>（见 README 的“Install for users”一节）。如果它装在 PATH 之外，请在“文件 ▸ 连接到主机…”中填写它的路径，然后点“立即重试”。",
    "<b>The connection to %1 dropped</b>: %2<br>What was received is kept. Retrying in %3 s; the table is reconciled with a fresh snapshot then.":
        "<b>与 %1 的连接已断开</b>：%2<br>已收到的数据都保留着。%3 秒后重试；届时用一份新的快照核对表格。",
    "<b>The connection to %1 dropped</b>: %2<br>What was received is kept. Reconnecting now…":
        "<b>与 %1 的连接已断开</b>：%2<br>已收到的数据都保留着。正在重新连接…",
    "Connecting to %1 over SSH…": "正在经 SSH 连接 %1…",
    "%1 over SSH (%2) · Linux %3 · tcpscope %4": "%1（经 SSH，%2）· Linux %3 · tcpscope %4",
    "disconnected": "已断开",
    "Retry now": "立即重试",
    "Settings that matter (value on %1)": "相关的设置（%1 上的值）",
    "Ladder of the selected connection": "选中连接的梯形图",
    "Segments of the selected connection (its ladder)…": "选中连接的报文段（梯形图）…",
    "This capture's packets are not kept (or too many to read again): save them (File ▸ Save packets) and open the file to see its segments.":
        "这次抓包的报文没有保留（或者太多，无法重新读取）：先保存（文件 ▸ 保存报文），再打开该文件，即可看到它的报文段。",
    "The selected connection's previous segment, or transition (the Ladder tab's Steps walk segments)":
        "选中连接的上一个报文段，或上一次状态转换（见梯形图标签页的“逐个报文段单步”）",
    "The selected connection's next segment, or transition (the Ladder tab's Steps walk segments)":
        "选中连接的下一个报文段，或下一次状态转换（见梯形图标签页的“逐个报文段单步”）",
    # The ladder (sequence figure) of a connection.
    "end %1": "端点 %1",
    "A live capture keeps no ladder yet: save it (File ▸ Save packets) and open the file to see its segments.":
        "实时抓包暂时不保留梯形图：先保存（文件 ▸ 保存报文），再打开该文件，即可看到它的报文段。",
    "One row per segment": "每个报文段一行", "Proportional time": "按时间比例",
    "Proportional: the space between rows follows the time between segments; long idle gaps are folded and their length written":
        "按时间比例：行间距随报文段之间的时间而定；较长的空闲间隔被折叠，并标出其时长",
    "Absolute numbers": "绝对序号",
    "Sequence and acknowledgement numbers as sent, and windows unscaled, instead of relative to each side's initial sequence number":
        "显示发送时的原始序号和确认号，以及未经扩大因子换算的窗口，而不是相对于各端初始序号的值",
    "Steps walk segments": "逐个报文段单步",
    "◀ Step and Step ▶ move one segment; unticked, one transition of the selected connection":
        "“◀ 上一步”和“下一步 ▶”每次移动一个报文段；不勾选时，每次移动选中连接的一次状态转换",
    "Select a connection in the table to see its segments between its two ends, with both ends' states.":
        "在表格中选择一条连接，即可看到它在两端之间往来的报文段，以及两端的状态。",
    "<b>Packet %1</b>: %2 → %3": "<b>报文 %1</b>：%2 → %3",
    "Time: %1 s (%2 s since the previous segment)": "时间：%1 s（距上一个报文段 %2 s）",
    "Flags: %1": "标志：%1", "Sequence number: %1 (raw %2)": "序号：%1（原始值 %2）",
    "Acknowledgement: %1 (raw %2)": "确认号：%1（原始值 %2）",
    "Payload: %1 bytes": "数据：%1 字节",
    "Window: %1 (%2 × 2^%3)": "窗口：%1（%2 × 2^%3）",
    "Window: %1 (not scaled)": "窗口：%1（未换算）", "Noted: %1": "标注：%1",
    "%1: %2 → %3 (%4)": "%1：%2 → %3（%4）",
    "— its arrival is dated by evidence, after packet %1: the receiver's later segments show when it got it":
        "——它的到达时间是依据证据推定的，在报文 %1 之后：接收方后来发出的报文段表明了它何时收到",
    "… and %1 more segments: export the data for all of them": "……另有 %1 个报文段：导出数据可得到全部报文段",
    "assumed (joined mid-stream)": "推定（抓包从连接中途开始）",
    "retransmission": "重传", "keep-alive probe": "保活探测", "zero-window probe": "零窗口探测",
    "ACK did not act": "确认未生效", "RST not exact: challenge ACK": "RST 序号不精确：挑战确认",
    "RST out of window: dropped": "RST 在窗口外：被丢弃", "RST did not arrive": "RST 未到达",
    "stray SYN: challenge ACK": "多余的 SYN：挑战确认", "duplicate ACK": "重复确认",
    "time": "时间", "%1 idle (folded)": "空闲 %1（已折叠）",
    "Counts over time": "各状态数量随时间变化", "Ladder": "梯形图",
    "Segments of %1": "%1 的报文段",
    "no connection with segments is selected": "没有选中带有报文段的连接",
    # The diagnoses: the Findings tab, its explanation and the status bar's badge.
    "Findings": "诊断", "Findings (%1)": "诊断（%1）", "Level": "级别", "Finding": "诊断结果",
    "Numbers": "数据", "critical": "严重", "warning": "警告", "info": "提示",
    "Show all sockets": "显示全部套接字",
    "Thresholds…": "阈值…",
    "When each finding is made: the diagnosis thresholds": "每种诊断在何时给出：诊断阈值",
    "Diagnosis thresholds": "诊断阈值",
    " s": " s", " bytes": " 字节",
    "%1 (default %2)": "%1（默认 %2）",
    "CLOSE_WAIT held by one process": "一个进程持有的 CLOSE_WAIT",
    "CLOSE_WAIT oldest: a leak past": "最老的 CLOSE_WAIT 超过此时长即为泄漏",
    "CLOSE_WAIT critical at": "CLOSE_WAIT 达到此数为严重",
    "Descriptors / limit: critical at": "描述符数 / 上限：达到此比例为严重",
    "Client sockets to one destination, at least": "通往同一目的地的客户端套接字，至少",
    "Busy ephemeral ports: warning at": "已占用的临时端口：达到此比例为警告",
    "Busy ephemeral ports: critical at": "已占用的临时端口：达到此比例为严重",
    "SYN_RECEIVED per listener": "每个监听套接字的 SYN_RECEIVED",
    "FIN_WAIT_2 toward one peer": "通往同一对端的 FIN_WAIT_2",
    "Closes retransmitting their FIN": "重传 FIN 的关闭",
    "Orphans / tcp_max_orphans": "孤儿套接字 / tcp_max_orphans",
    "SYN_SENT toward one destination": "通往同一目的地的 SYN_SENT",
    "Refused connects a minute to one destination": "每分钟通往同一目的地被拒绝的连接",
    "SYN_SENT oldest at least": "最老的 SYN_SENT 至少",
    "Retransmissions of ESTABLISHED data": "ESTABLISHED 数据的重传次数",
    "Send-Q of a peer not reading": "对端不读取时的 Send-Q",
    "Growth measured over": "增长的统计时长",
    "The same names are taken by <tt>tcpscope-cli diagnose --threshold NAME=VALUE</tt> (hover a field for its name).":
        "<tt>tcpscope-cli diagnose --threshold NAME=VALUE</tt> 使用相同的名称（鼠标停在输入框上可看到名称）。",
    "Findings (diagnoses)…": "诊断结果…",
    "No findings: no CLOSE_WAIT leak, no port exhaustion, no listener overloaded, no stuck closes, no failing connects, no dead peers.":
        "没有诊断结果：没有 CLOSE_WAIT 泄漏，没有端口耗尽，没有过载的监听套接字，没有卡住的关闭，没有失败的连接，没有已死的对端。",
    "Likely causes": "可能的原因", "What to do": "应当怎样做", "What not to do": "不应怎样做",
    "Confirm it": "如何确认",
    "\u26a0 %1 findings, %2 at warning level or above": "\u26a0 %1 条诊断，%2 条达到警告级别",
    "%1 findings": "%1 条诊断",
    "\u26a0 1 finding, at warning level or above": "\u26a0 1 条诊断，达到警告级别",
    "1 finding": "1 条诊断",
    # Help ▸ Getting started, the Lab's tabs
    "&Getting started": "入门(&G)",
    "Getting started with tcpscope": "tcpscope 入门",
    "<h3>Where to see a connection open and close</h3><p><b>Kernel table</b> (the first tab) polls the kernel's socket table, by default once a second. It shows what lasts — ESTABLISHED, CLOSE_WAIT, TIME_WAIT, LISTEN — but a handshake on this machine takes well under a millisecond: SYN_SENT and SYN_RECEIVED, FIN_WAIT_1 and LAST_ACK usually come and go between two polls.</p><p><b>Packets</b> show every step: open a capture file (File ▸ Open capture…, or drop a .pcap on the window), or capture live (File ▸ Live capture…). The packet engine follows both endpoints through the state diagram, segment by segment; click the chart or use Step to go through it.</p><p><b>The Lab</b> (Lab ▸ Show the Lab panel) plays textbook situations with real sockets on this machine: choose a scenario and press <i>Start</i>, then <i>Next</i> before each step. The table follows the scenario's sockets, polled every 100 ms, and its packets are captured in a tab of their own when capturing is permitted.</p>":
        "<h3>在哪里看到连接的建立与关闭</h3><p><b>内核表</b>（第一个标签页）轮询内核的套接字表，默认每秒一次。它能显示持续较久的状态——ESTABLISHED、CLOSE_WAIT、TIME_WAIT、LISTEN——但本机上的一次三次握手远不到一毫秒：SYN_SENT 与 SYN_RECEIVED、FIN_WAIT_1 与 LAST_ACK 通常在两次轮询之间就已出现又消失。</p><p><b>报文</b>显示每一步：打开抓包文件（文件 ▸ 打开抓包文件…，或把 .pcap 文件拖到窗口上），或者实时抓包（文件 ▸ 实时抓包…）。报文引擎逐个报文段地跟随双方端点走过状态图；点击图表或使用“下一步”逐步查看。</p><p><b>实验</b>（实验 ▸ 显示实验面板）在本机上用真实的套接字演示教科书中的情形：选择一个场景，按<i>开始</i>，然后在每一步之前按<i>下一步</i>。表格会跟随场景的套接字，每 100 毫秒轮询一次；在允许抓包时，它的报文会在单独的标签页中抓取。</p>",
    "Show the Lab": "显示实验面板", "Open a capture file…": "打开抓包文件…",
    "Capture live…": "实时抓包…", "Close": "关闭", "Show this at start": "启动时显示此页",
    "Lab packets: %1": "实验报文：%1",
    "The packets of the Lab scenario %1": "实验场景 %1 的报文",
    "Lab kernel table: %1": "实验内核表：%1",
    "Lab kernel table: %1 (namespace %2)": "实验内核表：%1（命名空间 %2）",
    " Namespace: %1 (the Lab's own) ": " 网络命名空间：%1（实验专用） ",
    "The socket table of the network namespace the scenario %1 runs in, polled by the Lab's worker: the kernel table tab (this machine's namespace) never sees these sockets":
        "场景 %1 所在网络命名空间的套接字表，由实验的工作进程轮询：内核表标签页（本机的命名空间）永远看不到这些套接字",
    "The Lab scenario has ended: the kernel table shows your filter again (type %1 in the filter to see what is left of the scenario's sockets).":
        "实验场景已结束：内核表恢复为你的过滤条件（在过滤框中输入 %1，可查看该场景剩下的套接字）。",
    "lo in the scenario's network namespace": "场景网络命名空间中的 lo",
    "Animation:": "动画：", "off": "关闭", "slow": "慢", "normal": "正常", "fast": "快",
    "Follow the selected connection": "跟随选中的连接",
    "Only the selected connection's tokens move, and the arrows it took are numbered in order":
        "只有选中连接的标记会移动，它经过的箭头按顺序编号",
    "Explanation": "讲解", "History": "历史",
    "Click a moment to see the connections as they were then": "点击某一时刻，查看当时的连接",
    "Time": "时间", "Endpoint": "端点", "From": "从", "To": "到", "Packet": "报文",
    "Replay": "回放", "1×": "1×", "10×": "10×", "100×": "100×",
    "as fast as possible": "尽可能快",
    "◀ Step": "◀ 上一步", "Step ▶": "下一步 ▶",
    "The selected connection's previous transition": "选中连接的上一次状态转换",
    "The selected connection's next transition": "选中连接的下一次状态转换",
    "Pause": "暂停",
    "Replay the capture in time, or click the chart for a moment": "按时间回放抓包，或点击图表查看某一时刻",
    "%1 packets, %2 TCP, %3 connections. States are inferred for both endpoints from the packets; times are the capture's.":
        "%1 个报文，%2 个 TCP 报文，%3 条连接。双方端点的状态都是从报文推断的；时间取自抓包文件。",
    "The states below are as they were at <b>%1</b>. <a href=\"end\">Show the end of the capture</a>":
        "下面的状态是 <b>%1</b> 时的样子。<a href=\"end\">显示抓包结束时的状态</a>",
    "2MSL timer": "2MSL 计时器",
    "inferred: the capture joined this connection mid-stream": "推断：抓包从这条连接的中途开始",
    "closed (was %1)": "已关闭（原为 %1）",
    "— no descriptor in this state": "— 此状态没有描述符",
    "— closed by its application": "— 已被其应用程序关闭",
    "another user's (run as root to see)": "其他用户的（以 root 运行才能看到）",
    "kernel + packets: %1 (peer %2)": "内核 + 报文：%1（对端 %2）",
    "kernel": "内核", "Family": "协议族", "Local": "本地", "Remote": "远端", "State": "状态",
    "Process": "进程", "In state": "处于此状态", "Age": "存在时间", "Recv-Q": "Recv-Q",
    "Send-Q": "Send-Q", "Timer": "计时器", "Source": "来源",
    "BPF filter, e.g. tcp port 8080": "BPF 过滤表达式，例如 tcp port 8080",
    "Start": "开始", "Interface": "接口", "Filter": "过滤",
    "Not capturing. Live capture runs the tcpscope-capture helper, the only part of tcpscope that needs cap_net_raw,cap_net_admin.":
        "未在抓包。实时抓包由 tcpscope-capture 辅助程序完成，它是 tcpscope 中唯一需要 cap_net_raw,cap_net_admin 权限的部分。",
    "Stop": "停止", "Starting the capture on %1…": "正在 %1 上启动抓包…",
    "Capturing on %1: no packet yet": "正在 %1 上抓包：还没有报文",
    "%1 on %2: %3 packets, %4 connections · %5": "%1（%2）：%3 个报文，%4 条连接 · %5",
    "Stopped": "已停止", "Capturing": "正在抓包", "no drop report yet": "尚无丢包报告",
    "Not capturing. The kernel table and open files keep working.": "未在抓包。内核套接字表和已打开的文件照常工作。",
    "Kernel table: starting…": "内核套接字表：正在启动…",
    "tcpscope — TCP connections through the state diagram": "tcpscope — 在状态图中观察 TCP 连接",
    "Observed": "观测方式", "Kernel table (live)": "内核套接字表（实时）",
    "Filter: address, port, process, state (words must all match)": "过滤：地址、端口、进程、状态（所有词都须匹配）",
    "All states": "所有状态", "Show": "显示", "&File": "文件(&F)", "&Open capture…": "打开抓包文件(&O)…",
    "Open &recent": "最近打开(&R)", "&Live capture…": "实时抓包(&L)…", "&Quit": "退出(&Q)",
    "&View": "视图(&V)", "&Language": "语言(&L)", "&Theme": "主题(&T)", "System": "跟随系统",
    "Light": "浅色", "Dark": "深色", "Kernel table": "内核套接字表",
    "Freeze the picture; polling goes on and the chart catches up on resume": "冻结画面；轮询继续进行，恢复后图表会补上",
    "Clear": "清除", "Start the chart and the histories afresh": "重新开始图表和历史记录",
    " Poll every ": " 轮询间隔 ", " ms": " 毫秒", " Chart shows ": " 图表显示 ",
    "last minute": "最近 1 分钟", "last 5 minutes": "最近 5 分钟", "last 15 minutes": "最近 15 分钟",
    "whole session": "整个会话", "Stacked": "堆叠",
    " Namespace ": " 网络命名空间 ", "Namespace": "网络命名空间", "All namespaces": "所有网络命名空间",
    "This host (net:[%1])": "本机（net:[%1]）", "This host": "本机",
    "Kernel table: opening %1…": "内核套接字表：正在打开 %1…",
    "Whose sockets: this host's own network namespace, another one (`ip netns`, a container's, a process's; through tcpscope-netns), or all at once": "看谁的套接字：本机自己的网络命名空间、另一个（`ip netns`、容器的、进程的；经由 tcpscope-netns），或一次看全部",
    "Stack the states' areas instead of drawing lines": "把各状态画成堆叠面积图，而不是折线",
    "&Help": "帮助(&H)", "&About tcpscope": "关于 tcpscope(&A)", "About &Qt": "关于 &Qt",
    "Kernel table via %1 · %2 sockets · poll %3 ms (read %4, processes %5, diff %6)":
        "内核套接字表（%1）· %2 个套接字 · 轮询 %3 毫秒（读取 %4，进程 %5，比较 %6）",
    " · paused": " · 已暂停", "(appeared)": "（出现）", "poll, ≤ %1 s": "轮询，≤ %1 秒",
    "Seen by polling the kernel's table: the change happened within the %1 s before this poll":
        "通过轮询内核套接字表观测到：变化发生在本次轮询之前的 %1 秒内",
    "no change seen yet": "尚未观测到变化", "Copy row(s)": "复制行",
    "Filter to this process": "只看此进程", "Filter to this remote host": "只看此远端主机",
    "Filter to %1": "只看 %1",
    "<h3>tcpscope %1</h3><p>Every TCP connection on this machine, moving through the RFC 9293 state diagram.</p><p>Qt %2 (built with %3)<br>libpcap %4<br>QCustomPlot %5</p>":
        "<h3>tcpscope %1</h3><p>本机的每一条 TCP 连接，在 RFC 9293 状态图中的运动。</p><p>Qt %2（编译时 %3）<br>libpcap %4<br>QCustomPlot %5</p>",
    "About tcpscope": "关于 tcpscope", "Open a capture": "打开抓包文件",
    "Captures (*.pcap *.pcapng *.cap *.dmp);;All files (*)": "抓包文件 (*.pcap *.pcapng *.cap *.dmp);;所有文件 (*)",
    "Reading %1…": "正在读取 %1…", "Cannot open the capture": "无法打开抓包文件",
    "Live capture": "实时抓包", "(not yet)": "（尚未出现）",
    "joined mid-stream (first states inferred)": "从中途开始（最初的状态为推断）",
    "refused": "被拒绝", "roles unknown": "角色未知", "Client": "客户端", "Server": "服务器",
    "Client state": "客户端状态", "Server state": "服务器状态", "First seen": "首次出现",
    "Duration": "持续时间", "Notes": "备注", "connections": "连接数",
    "in RFC 9293's figure": "RFC 9293 状态图中的转换",
    "happens, not in the figure": "实际会发生，图中未画出",
    "RST / abort → CLOSED (when seen)": "RST/中止 → CLOSED（出现时画出）",
    "(connections end)": "（连接结束）", "(start)": "（起点）",
    "Now: %1. Click to show them in the table and explain the state.": "当前：%1 个。点击可在表格中查看它们并讲解这个状态。",
    "%1 per second lately": "最近每秒 %1 次",
    "%1 s": "%1 秒", "%1 min %2 s": "%1 分 %2 秒", "%1 h %2 min": "%1 小时 %2 分", "%1 d %2 h": "%1 天 %2 小时",
    "The TCP state diagram": "TCP 状态图",
    "Every box is a state a TCP endpoint can be in; every arrow is what moves it on: an event, and what TCP sends in reply. Point at a state or an arrow to have it explained here; click a state to show its sockets in the table; select a socket to explain where it is and why.":
        "每个方框是 TCP 端点可能处于的一个状态；每个箭头表示推动它前进的原因：一个事件，以及 TCP 作为回应发送的内容。把鼠标指向状态或箭头，这里就会讲解它；点击状态可在表格中显示处于该状态的套接字；选中一个套接字，可讲解它处于何处以及原因。",
    "no process": "没有进程", "none": "无", "What it means": "含义", "How it is entered": "如何进入",
    "What ends it": "如何结束", "How long it lasts on Linux": "在 Linux 上持续多久",
    "If sockets pile up here": "如果套接字在此堆积", "How to confirm it": "如何确认",
    "A common claim, and the fact": "常见说法与事实",
    "Settings that matter (value on this machine)": "相关参数（本机当前值）",
    "Arrows in and out": "进出的箭头", "not on this kernel": "本内核中不存在", "any state": "任意状态",
    "not drawn in RFC 9293's figure": "RFC 9293 的图中未画出", "Event": "事件", "Action": "动作",
    "Why the protocol needs it": "协议为什么需要它", "States": "状态", "Default": "默认值",
    "What changing it does": "修改它的作用", "What it does not do": "它做不到的事",
    "States it matters for": "相关的状态",
    "Topics": "专题", "Other topics": "其他专题", "Read more": "延伸阅读",
    "… and %1 more rows: export the data for all of them": "… 另有 %1 行：导出数据可得到全部内容",
    "TCP state diagram": "TCP 状态图", "Connections per state over time": "各状态连接数随时间变化",
    "Connections": "连接", "tcpscope": "tcpscope", "%1 to %2": "%1 至 %2",
    "nothing to draw for \"%1\" here (one of: %2)": "这里没有可绘制的“%1”（可选：%2）",
    "%1: say .csv or .json": "%1：请使用 .csv 或 .json", "no connection is selected": "没有选中连接",
    "no data \"%1\" here (one of: %2)": "这里没有数据“%1”（可选：%2）",
    "cannot write %1: %2": "无法写入 %1：%2", "live capture": "实时抓包", "at %1": "时间 %1",
    "end of the capture, %1": "抓包结束时，%1", "Export a picture": "导出图片",
    "1× (screen)": "1×（屏幕）", "2× (print)": "2×（打印）", "3× (large print)": "3×（大幅打印）",
    "Print-friendly: white background, dark text": "适合打印：白色背景、深色文字",
    "Caption under the picture": "在图片下方加说明", "Browse…": "浏览…",
    "PNG image (*.png);;SVG vector drawing (*.svg);;PDF document (*.pdf)":
        "PNG 图片 (*.png);;SVG 矢量图 (*.svg);;PDF 文档 (*.pdf)",
    "View": "视图", "File (.png, .svg, .pdf)": "文件（.png、.svg、.pdf）", "PNG scale": "PNG 缩放",
    "Caption": "说明", "Save &packets as pcapng…": "将报文保存为 pcapng(&P)…",
    "&Save session…": "保存会话(&S)…",
    "The kernel table's timeline and the capture's packets, in one pcapng file that tcpscope reopens as it was":
        "内核套接字表的时间线和抓到的报文，保存在一个 pcapng 文件中，tcpscope 可原样重新打开",
    "Export &picture…": "导出图片(&P)…", "&Copy picture of the diagram": "复制状态图图片(&C)",
    "Export &data": "导出数据(&D)", "Connections, as filtered…": "连接（按当前过滤）…",
    "All transitions…": "所有状态转换…", "Transitions of the selected connection…": "选中连接的状态转换…",
    "Counts per state over time…": "各状态数量随时间变化…", "Save the packets": "保存报文",
    "pcapng capture (*.pcapng)": "pcapng 抓包文件 (*.pcapng)", "Cannot save the packets": "无法保存报文",
    "Save the session": "保存会话", "tcpscope session (*.pcapng)": "tcpscope 会话 (*.pcapng)",
    "Saved the session to %1": "会话已保存到 %1", "Cannot save the session": "无法保存会话",
    "kernel table of %1": "%1 的内核套接字表",
    "This tab has no packets: open a capture or start a live capture first.":
        "此标签页没有报文：请先打开抓包文件或开始实时抓包。",
    "Session of %1 from %2, as it was at %3 · polling stopped: Pause off goes live again":
        "%1 的会话，来自 %2，时间为 %3 · 轮询已停止：取消暂停即恢复实时",
    "State diagram": "状态图", "Chart": "图表", "Table": "表格", "Whole window": "整个窗口",
    "Saved %1": "已保存 %1", "Cannot export the picture": "无法导出图片",
    "The diagram is on the clipboard": "状态图已复制到剪贴板", "Export data": "导出数据",
    "CSV for spreadsheets (*.csv);;JSON (*.json)": "CSV 电子表格 (*.csv);;JSON (*.json)",
    "Cannot export the data": "无法导出数据",
    "History of the selected connection": "选中连接的历史",
    "Copy to clipboard": "复制到剪贴板",
    "cannot start %1: %2": "无法启动 %1：%2",
    "Needs root: it makes a network namespace where nftables holds back FINs and SYNs. Start tcpscope-cli lab run %1 as root to play it.":
        "需要 root 权限：它会创建一个网络命名空间，用 nftables 拦住 FIN 和 SYN。请以 root 身份运行 tcpscope-cli lab run %1。",
    "appeared in %1": "出现于 %1", "gone (was %1)": "消失（原为 %1）", "✗ not seen: %1": "✗ 未观测到：%1",
    "Stopped: the scenario's sockets are closed.": "已停止：场景创建的套接字都已关闭。",
    "Every step showed what it claims.": "每一步都展示了它所说的内容。",
    "A step did not show what it claims.": "有一步没有展示它所说的内容。",
    "Lab: real sockets on this machine, step by step": "实验：本机上的真实套接字，一步一步来",
    "Start the scenario, one step at a time": "开始场景，一次一步", "Next": "下一步", "Run all": "全部运行",
    "La&b": "实验(&B)", "Lab packets on lo": "实验报文（lo）", "Lab": "实验", "Show the &Lab panel": "显示实验面板(&L)", "live capture on %1": "%1 上的实时抓包",
    "live capture on %1, filter \"%2\"": "%1 上的实时抓包，过滤“%2”", "The picture is on the clipboard": "图片已复制到剪贴板",
    # exports: captions, pages, formats
    "History of %1": "%1 的历史", "%1 or %2": "%1 或 %2",
    "%1: pictures are written as %2": "%1：图片只能保存为 %2",
    "%1: data is written as %2": "%1：数据只能保存为 %2",
    "%1 — page %2 of %3": "%1 — 第 %2 页，共 %3 页", "%1 → %2": "%1 → %2",
    "connection %1, %2 → %3": "连接 %1，%2 → %3", "A4": "A4", "Letter": "Letter（美式信纸）",
    "A table's or a history's PDF is cut into pages of this size, its header on each":
        "表格或历史的 PDF 按这种纸张分页，每页都重复表头",
    "PDF pages (tables)": "PDF 纸张（表格）",
    # from the Lab panel and the live capture
    '%1 gone': '%1 已消失',
    '%1 passed through %2 (exact)': '%1 经过了 %2（精确）',
    # the kernel table's Close connection…
    'Close connection…': '关闭连接…',
    'Close connection': '关闭连接',
    'Close the connection %1 → %2?': '关闭连接 %1 → %2？',
    'The kernel destroys this socket, as ss -K does: the application holding it gets '
    'ECONNABORTED on its next call, the peer a reset, and data still in flight is lost. '
    'This does not cure a CLOSE_WAIT leak: an application that never calls close() leaks its '
    'next connection the same way.':
        '内核会销毁这个套接字（与 ss -K 相同）：持有它的应用程序在下一次调用时得到 '
        'ECONNABORTED，对端收到复位（RST），仍在传输中的数据丢失。这治不了 CLOSE_WAIT 泄漏：'
        '从不调用 close() 的应用程序会以同样的方式泄漏下一个连接。',
    'Connection closed': '连接已关闭',
    '%1 → %2 is closed: its application gets ECONNABORTED, the peer a reset.':
        '%1 → %2 已关闭：其应用程序得到 ECONNABORTED，对端收到复位（RST）。',
    'tcpscope-trace may not destroy sockets: it needs the capability cap_net_admin.':
        'tcpscope-trace 无权销毁套接字：它需要 cap_net_admin 能力。',
    'This kernel cannot destroy sockets: it was built without CONFIG_INET_DIAG_DESTROY.':
        '这个内核不能销毁套接字：编译时没有启用 CONFIG_INET_DIAG_DESTROY。',
    'The kernel has no such socket any more: it closed since the last poll.':
        '内核中已没有这个套接字：它在上次轮询之后已关闭。',
    'The trace helper could not close it.': '跟踪辅助程序未能关闭它。',
    'Cannot close the connection': '无法关闭连接',
    ' (Recv-Q ≥ %1)': '（Recv-Q ≥ %1）',
    '%1 (%2)': '%1（%2）',
    'Without the window: tcpscope-cli lab run %1': '不打开窗口时：tcpscope-cli lab run %1',
    '&Start the selected scenario step by step': '逐步运行选中的场景(&S)',
    '&Next step': '下一步(&N)',
    '&Run the selected scenario to the end': '一次运行完选中的场景(&R)',
    'S&top the scenario': '停止场景(&T)',
    # the kernel table, the live capture
    'Filter: address, port, process, state, pid:N (words must all match)': '过滤：地址、端口、进程、状态、pid:N（所有词都须匹配）',
    ' · %1 of %2 rows shown by the filter': ' · 过滤后显示 %2 行中的 %1 行',
    'Kernel table (saved session)': '内核套接字表（已保存的会话）',
    '≥ %1': '≥ %1',
    'Exact: TIME_WAIT lasts 60 s on Linux and its timer has %1 s left': '精确值：Linux 上 TIME_WAIT 持续 60 s，其计时器还剩 %1 s',
    'At least this long: the socket was already there when tcpscope started watching (%1 ago), and the kernel does not say when it was made': '至少这么久：tcpscope 开始观察时（%1 之前）这个套接字已经存在，而内核不提供它的创建时间',
    'An orphaned FIN_WAIT_2 socket (its application closed it): the kernel ends it after tcp_fin_timeout; ss names this timer timewait': '孤儿 FIN_WAIT_2 套接字（应用程序已将其关闭）：内核在 tcp_fin_timeout 之后将其释放；ss 把这个计时器称为 timewait',
    'The capture helper was killed (signal %1, SIG%2): the capture has stopped. Everything read until then is still shown and kept.': '抓包辅助程序被杀死（信号 %1，SIG%2）：抓包已停止。此前读到的一切仍然显示并保留。',
    'The capture helper exited with code %1: the capture has stopped. Everything read until then is still shown and kept.': '抓包辅助程序以退出码 %1 结束：抓包已停止。此前读到的一切仍然显示并保留。',
    'The capture stream was cut off: %1': '抓包数据流被截断：%1',
    'The packets can no longer be kept for saving (%1). The live view goes on; File ▸ Save packets saves the %2 packets kept.': '报文无法再保留以供保存（%1）。实时视图继续；文件 ▸ 保存报文会保存已保留的 %2 个报文。',
    'Only %1 of the %2 packets captured were saved to %3: the last %4 could not be kept (%5). The live view still shows their connections.': '已捕获的 %2 个报文中只有 %1 个保存到了 %3：最后 %4 个未能保留（%5）。实时视图仍显示它们的连接。',
    '%1 never left CLOSED': '%1 从未离开 CLOSED',
    '%1 from %2': '%1 来自 %2',
    '%1 earlier connections finished and are no longer listed (%2 refused); their endpoints closed: %3. Their packets are kept: File ▸ Save packets saves them all.': '先前有 %1 条连接已结束，不再列出（其中 %2 条被拒绝）；其端点关闭前的状态：%3。它们的报文仍被保留：文件 ▸ 保存报文会全部保存。',
    '%1 of their endpoints were still in TIME_WAIT: the counts and the chart keep them there until their 2·MSL timer ends.': '其中 %1 个端点当时仍处于 TIME_WAIT：计数和图表会把它们留在 TIME_WAIT，直到各自的 2MSL 计时器到期。',
    'Step': '步骤',
    'client': '客户端',
    'server': '服务器',
    'endpoint %1': '端点 %1',
    'caused by %1 at %2, confirmed at %3': '由 %1 在 %2 引起，在 %3 得到确认',
    "Packet %1 was captured at %2; that it had arrived showed only in the receiver's next segment, at %3.": '报文段 %1 在 %2 被抓到；它已到达这一点，直到接收方的下一个报文段（%3）才显示出来。',
    '%1 (inferred)': '%1（推断）',
    'revised: the RST did not reset the %1: it sent %2 at %3': '已修正：RST 没有复位%1：它在 %3 又发出了 %2',
    'revised: the RST at %1 did not reset the %2: it sent %3 at %4': '已修正：%1 的 RST 没有复位%2：它在 %4 又发出了 %3',
    'revised: the ACK did not act (lost or ignored): the %1 sent its %2 again, %3 at %4': '已修正：该 ACK 没有生效（丢失或被忽略）：%1在 %4 重传了它的 %2（%3）',
    'revised: the ACK at %1 did not act (lost or ignored): the %2 sent its %3 again, %4 at %5': '已修正：%1 的 ACK 没有生效（丢失或被忽略）：%2在 %5 重传了它的 %3（%4）',
    'Inferred: the capture joined this connection mid-stream, so this step was not seen, only assumed': '推断：抓包从这条连接的中途开始，这一步没有被看到，只是假定',
    'Step back': '上一步',
    'Step forward': '下一步',
    'Replay / Pause': '回放 / 暂停',
    'Replay the capture in time, or pause the replay': '按时间回放抓包，或暂停回放',
    '0.1× (slow motion)': '0.1×（慢动作）',
    '0.01× (slower)': '0.01×（更慢）',
    'one packet per step': '每步一个报文段',
    'Each step goes to the next packet that changed a state, %1 s apart': '每一步前进到下一个改变了状态的报文段，间隔 %1 s',
    'The diagram as it moves: tokens, flashing arrows, the pointer': '状态图运动中的样子：标记、闪烁的箭头、鼠标指向',
    "Off: the diagram at rest, with the states and the followed connection's steps but nothing in flight": '关闭时：静止的状态图，有各状态和所跟随连接的步骤，但没有正在移动的东西',
    "Each state's count on top of the ones before it": '每个状态的数量叠加在前面各状态之上',
    'Log scale': '对数刻度',
    'Counts on a logarithmic axis: a few hundred stay readable beside tens of thousands': '数量使用对数坐标轴：几百的数量在几万旁边也看得清',
    'client: its steps and state': '客户端：它的步骤和状态',
    'server: its steps and state': '服务器：它的步骤和状态',
    # The kernel tab's exact mode (ui/pages/kerneltrace.cpp)
    "Exact transitions unavailable: %1": "无法获得精确的状态转换：%1",
    "Exact (eBPF)": "精确（eBPF）",
    "Every state change as the kernel makes it, traced with eBPF by the tcpscope-trace helper (needs cap_bpf,cap_perfmon,cap_syslog)":
        "内核做出的每一次状态变化，由 tcpscope-trace 辅助程序用 eBPF 跟踪（需要 cap_bpf,cap_perfmon,cap_syslog 权限）",
    " · exact (eBPF)": " · 精确（eBPF）",
    " · polled every %1 ms": " · 每 %1 毫秒轮询一次",
    " · %1 events lost (trace buffer full)": " · 丢失 %1 个事件（跟踪缓冲区已满）",
    "%1 (%2)": "%1（%2）",
    "a packet or timer": "报文或计时器",
    "exact, by %1": "精确，由 %1 引起",
    "Traced in the kernel: %1's system call made this change": "在内核中跟踪到：%1 的系统调用引起了这次变化",
    "Traced in the kernel: a packet or a timer (softirq) made this change; no process caused it":
        "在内核中跟踪到：这次变化由报文或计时器（软中断）引起，不是某个进程造成的",
    # A socket gone from the kernel's table, in the explanation panel (ui/widgets/gonesocket.cpp)
    "Its TIME_WAIT is over: the 60 s timer ran out and the kernel freed it (TIME_WAIT → CLOSED), the usual end of the side that closed first. A new SYN for the same 4-tuple, tcp_tw_reuse or an RST can end it sooner.":
        "它的 TIME_WAIT 已结束：60 s 计时器到期，内核释放了它（TIME_WAIT → CLOSED），这是先关闭的一方通常的结局。同一四元组的新 SYN、tcp_tw_reuse 或 RST 都可能让它提前结束。",
    "The ACK of its FIN arrived (LAST_ACK → CLOSED), or its FIN's retransmissions ran out: this side closed without TIME_WAIT.":
        "对其 FIN 的 ACK 已到达（LAST_ACK → CLOSED），或者 FIN 的重传次数已用尽：本端不经过 TIME_WAIT 就关闭了。",
    "No FIN came from its peer (that would have moved it to TIME_WAIT): if its application had closed it, tcp_fin_timeout ran out; otherwise an RST or a timeout ended it.":
        "对端一直没有发来 FIN（否则它会进入 TIME_WAIT）：如果它的应用程序已关闭它，那是 tcp_fin_timeout 到期了；否则是 RST 或超时结束了它。",
    "An RST or a retransmission timeout ended it (for an orphan, tcp_orphan_retries); its peer's FIN would have moved it to CLOSING or TIME_WAIT instead.":
        "RST 或重传超时结束了它（孤儿套接字受 tcp_orphan_retries 限制）；若收到对端的 FIN，它会进入 CLOSING 或 TIME_WAIT。",
    "An RST or a timeout ended it; the ACK of its FIN would have moved it to TIME_WAIT instead.":
        "RST 或超时结束了它；若收到对其 FIN 的 ACK，它会进入 TIME_WAIT。",
    "Its application closed it between two polls: its FIN went out and the peer's ACK came back (CLOSE_WAIT → LAST_ACK → CLOSED) faster than the polling interval; or close() with unread data, or an RST, ended it at once.":
        "它的应用程序在两次轮询之间关闭了它：FIN 发出、对端的 ACK 返回（CLOSE_WAIT → LAST_ACK → CLOSED），都快于轮询间隔；或者带着未读数据的 close()、或一个 RST，立即结束了它。",
    "It ended between two polls: reset (an RST received, or sent by close() with unread data or SO_LINGER 0), timed out, or — its peer closing first — closed through CLOSE_WAIT and LAST_ACK faster than the polling interval. Closing first would have left it in TIME_WAIT for 60 s. Exact mode sees every step.":
        "它在两次轮询之间结束了：被复位（收到 RST，或因带着未读数据的 close() 或 SO_LINGER 0 而发出 RST）、超时，或者——对端先关闭——经过 CLOSE_WAIT 和 LAST_ACK，快于轮询间隔地关闭了。若本端先关闭，它会在 TIME_WAIT 中停留 60 s。精确模式能看到每一步。",
    "Its application closed the listening socket (or exited): connections to this port are now refused with an RST.":
        "它的应用程序关闭了监听套接字（或已退出）：现在连接此端口会被 RST 拒绝。",
    "The connection attempt ended: refused (RST), unreachable (ICMP), given up after the SYN retries or closed by its application — or it succeeded and closed again between two polls.":
        "这次连接尝试已结束：被拒绝（RST）、不可达（ICMP）、SYN 重传用尽后放弃，或被其应用程序关闭——也可能它已成功，并在两次轮询之间又关闭了。",
    "A request socket ends when the handshake completes (the connection is then a new ESTABLISHED socket in the listener's accept queue), when its SYN+ACK retries run out (about 63 s), or on an RST.":
        "请求套接字在握手完成时结束（连接随即成为监听套接字全连接队列中一个新的 ESTABLISHED 套接字），或在 SYN+ACK 重传用尽时结束（约 63 s），或因 RST 而结束。",
    "It was closed or reset between two polls.": "它在两次轮询之间被关闭或复位了。",
    "Gone from the kernel's table: missing at the poll of %1, still there at %2.":
        "已从内核套接字表中消失：%1 的轮询中已没有它，%2 时还在。",
    "Gone from the kernel's table: missing at the poll of %1.":
        "已从内核套接字表中消失：%1 的轮询中已没有它。",
    "Last seen in %1, in that state for ≥ %2.": "最后一次见到时处于 %1，在该状态中已有 ≥ %2。",
    "No timer runs for it any more: the kernel holds nothing of this socket now.":
        "它不再有任何计时器在运行：内核现在不再保存这个套接字的任何信息。",
    "Its row has left the table; its history stays under History.":
        "它的行已离开表格；它的历史仍保留在“历史”中。",
    # The Fleet tab: hosts through a Prometheus server.
    "%1 critical": "严重 %1", "%1 warning": "警告 %1", "%1 info": "提示 %1",
    "job %1": "任务 %1", "up": "正常", "down": "不可达",
    "Instance": "实例", "Scrape": "抓取", "Sockets": "套接字",
    "CLOSE_WAIT held by": "持有 CLOSE_WAIT 的进程",
    "No Prometheus server set: give its URL above (or start tcpscope with --prometheus URL).":
        "尚未设置 Prometheus 服务器：请在上方填写它的 URL（或用 --prometheus URL 启动 tcpscope）。",
    "%1 has no tcpscope metrics: no job scrapes `tcpscope-cli serve` (see docs/prometheus/prometheus.yml), or its targets are down.":
        "%1 上没有 tcpscope 指标：没有任务抓取 `tcpscope-cli serve`（见 docs/prometheus/prometheus.yml），或者它的目标都不可达。",
    "Instances: %1 (at %2, from %3; refreshed every %4 s).":
        "实例：%1 个（时间 %2，来自 %3；每 %4 s 刷新一次）。", ", ": "，",
    "History of %1 (loading…)": "%1 的历史（加载中…）",
    "History of %1: %2": "%1 的历史：%2",
    "History of %1: sockets per state, the last %2": "%1 的历史：各状态的套接字数，最近 %2",
    "Show its history": "显示它的历史",
    "Open live tab over SSH": "通过 SSH 打开实时标签页",
    "Prometheus:": "Prometheus：", "Refresh": "刷新",
    "15 minutes": "15 分钟", "1 hour": "1 小时", "6 hours": "6 小时", "24 hours": "24 小时",
    "Click an instance for its history.": "点击一个实例，查看它的历史。",
    "&Fleet (Prometheus)…": "机群（Prometheus）(&F)…", "Fleet": "机群",
    "Fleet through Prometheus": "通过 Prometheus 查看机群",
    "The URL of a Prometheus server that scrapes `tcpscope-cli serve`:":
        "抓取 `tcpscope-cli serve` 的 Prometheus 服务器的 URL：",
    "“%1” is not the address of a Prometheus server: give its http:// or https:// URL, e.g. http://localhost:9090":
        "“%1”不是 Prometheus 服务器的地址：请给出它的 http:// 或 https:// URL，例如 http://localhost:9090",
    "Cannot reach the Prometheus server at %1: %2": "无法连接 %1 上的 Prometheus 服务器：%2",
    "%1 does not answer as a Prometheus server does (HTTP %2)": "%1 的应答不是 Prometheus 服务器的应答（HTTP %2）",
    "%1 answered: %2": "%1 的应答：%2",
    # The kernel tab's ladder: two timelines with the kernel's traced states.
    "polled, ≤ %1 s": "轮询，≤ %1 秒",
    "by a packet or a timer": "由报文或定时器引起",
    "by %1 (pid %2)": "由 %1（pid %2）引起",
    "this socket": "本套接字", "the other end": "对端",
    "states traced in this host's kernel": "状态取自本机内核的跟踪",
    "not observed (not traced on this host)": "未观测（本机没有跟踪到）",
    "none: a listener has no other end": "无：监听套接字没有对端",
    "states only: the kernel's trace sees no segments": "只有状态：内核跟踪看不到报文段",
    "Select a socket in the table to see its states and its other end's on two timelines, as the kernel traced them.":
        "在表格中选择一个套接字，即可在两条时间线上看到它和对端的状态，与内核跟踪到的一致。",
    "No state change of this socket has been traced yet (it was there before the trace started): its ladder begins at its next change.":
        "还没有跟踪到这个套接字的状态变化（它在跟踪开始之前就已存在）：它的梯形图从下一次状态变化开始。",
    "A socket's ladder needs the exact trace (Exact (eBPF) in the toolbar; root or the trace helper's capabilities). Polling sees a state only when a poll finds it: when it changed between two polls, and a state that lasted less than a poll, would be guesses, so no bands are drawn from polls.":
        "套接字的梯形图需要精确跟踪（工具栏中的“精确（eBPF）”；需要 root 或跟踪助手的权能）。轮询只能在某次轮询发现时看到一个状态：两次轮询之间何时发生了变化，以及持续时间短于一次轮询的状态，都只能猜测，所以不根据轮询画状态带。",
}

ts = pathlib.Path(__file__).with_name("tcpscope_zh_CN.ts")
tree = ET.parse(ts)
missing = []
for message in tree.getroot().iter("message"):
    source = message.find("source").text
    translation = message.find("translation")
    if source in ZH:
        translation.text = ZH[source]
        translation.attrib.pop("type", None)
    else:
        missing.append(source)
tree.write(ts, encoding="utf-8", xml_declaration=True)
text = ts.read_text(encoding="utf-8")
ts.write_text(text.replace("<?xml version='1.0' encoding='utf-8'?>",
                           '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>'), encoding="utf-8")
for m in missing:
    print("untranslated:", m)
