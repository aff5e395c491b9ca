<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name />
    <message>
        <source>(not yet)</source>
        <translation>（尚未出现）</translation>
    </message>
</context>
<context>
    <name>tcpscope::CapturePage</name>
    <message>
        <source>Click a moment to see the connections as they were then</source>
        <translation>点击某一时刻，查看当时的连接</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Packet</source>
        <translation>报文</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>1×</source>
        <translation>1×</translation>
    </message>
    <message>
        <source>10×</source>
        <translation>10×</translation>
    </message>
    <message>
        <source>100×</source>
        <translation>100×</translation>
    </message>
    <message>
        <source>as fast as possible</source>
        <translation>尽可能快</translation>
    </message>
    <message>
        <source>◀ Step</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>Step ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Replay the capture in time, or click the chart for a moment</source>
        <translation>按时间回放抓包，或点击图表查看某一时刻</translation>
    </message>
    <message>
        <source>%1 packets, %2 TCP, %3 connections. States are inferred for both endpoints from the packets; times are the capture's.</source>
        <translation>%1 个报文，%2 个 TCP 报文，%3 条连接。双方端点的状态都是从报文推断的；时间取自抓包文件。</translation>
    </message>
    <message>
        <source>The states below are as they were at &lt;b&gt;%1&lt;/b&gt;. &lt;a href="end"&gt;Show the end of the capture&lt;/a&gt;</source>
        <translation>下面的状态是 &lt;b&gt;%1&lt;/b&gt; 时的样子。&lt;a href="end"&gt;显示抓包结束时的状态&lt;/a&gt;</translation>
    </message>
    <message>
        <source>2MSL timer</source>
        <translation>2MSL 计时器</translation>
    </message>
    <message>
        <source>live capture</source>
        <translation>实时抓包</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>时间 %1</translation>
    </message>
    <message>
        <source>end of the capture, %1</source>
        <translation>抓包结束时，%1</translation>
    </message>
    <message>
        <source>connection %1, %2 → %3</source>
        <translation>连接 %1，%2 → %3</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>endpoint %1</source>
        <translation>端点 %1</translation>
    </message>
    <message>
        <source>caused by %1 at %2, confirmed at %3</source>
        <translation>由 %1 在 %2 引起，在 %3 得到确认</translation>
    </message>
    <message>
        <source>Packet %1 was captured at %2; that it had arrived showed only in the receiver's next segment, at %3.</source>
        <translation>报文段 %1 在 %2 被抓到；它已到达这一点，直到接收方的下一个报文段（%3）才显示出来。</translation>
    </message>
    <message>
        <source>%1 (inferred)</source>
        <translation>%1（推断）</translation>
    </message>
    <message>
        <source>Inferred: the capture joined this connection mid-stream, so this step was not seen, only assumed</source>
        <translation>推断：抓包从这条连接的中途开始，这一步没有被看到，只是假定</translation>
    </message>
    <message>
        <source>Step back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <source>Step forward</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Replay / Pause</source>
        <translation>回放 / 暂停</translation>
    </message>
    <message>
        <source>Replay the capture in time, or pause the replay</source>
        <translation>按时间回放抓包，或暂停回放</translation>
    </message>
    <message>
        <source>0.1× (slow motion)</source>
        <translation>0.1×（慢动作）</translation>
    </message>
    <message>
        <source>0.01× (slower)</source>
        <translation>0.01×（更慢）</translation>
    </message>
    <message>
        <source>one packet per step</source>
        <translation>每步一个报文段</translation>
    </message>
    <message>
        <source>Each step goes to the next packet that changed a state, %1 s apart</source>
        <translation>每一步前进到下一个改变了状态的报文段，间隔 %1 s</translation>
    </message>
    <message>
        <source>end %1</source>
        <translation>端点 %1</translation>
    </message>
    <message>
        <source>%1: %2 → %3 (%4)</source>
        <translation>%1：%2 → %3（%4）</translation>
    </message>
    <message>
        <source>The selected connection's previous segment, or transition (the Ladder tab's Steps walk segments)</source>
        <translation>选中连接的上一个报文段，或上一次状态转换（见梯形图标签页的“逐个报文段单步”）</translation>
    </message>
    <message>
        <source>The selected connection's next segment, or transition (the Ladder tab's Steps walk segments)</source>
        <translation>选中连接的下一个报文段，或下一次状态转换（见梯形图标签页的“逐个报文段单步”）</translation>
    </message>
    <message>
        <source>This capture's packets are not kept (or too many to read again): save them (File ▸ Save packets) and open the file to see its segments.</source>
        <translation>这次抓包的报文没有保留（或者太多，无法重新读取）：先保存（文件 ▸ 保存报文），再打开该文件，即可看到它的报文段。</translation>
    </message>
    <message>
        <source>revised: the RST did not reset the %1: it sent %2 at %3</source>
        <translation>已修正：RST 没有复位%1：它在 %3 又发出了 %2</translation>
    </message>
    <message>
        <source>revised: the RST at %1 did not reset the %2: it sent %3 at %4</source>
        <translation>已修正：%1 的 RST 没有复位%2：它在 %4 又发出了 %3</translation>
    </message>
    <message>
        <source>revised: the ACK did not act (lost or ignored): the %1 sent its %2 again, %3 at %4</source>
        <translation>已修正：该 ACK 没有生效（丢失或被忽略）：%1在 %4 重传了它的 %2（%3）</translation>
    </message>
    <message>
        <source>revised: the ACK at %1 did not act (lost or ignored): the %2 sent its %3 again, %4 at %5</source>
        <translation>已修正：%1 的 ACK 没有生效（丢失或被忽略）：%2在 %5 重传了它的 %3（%4）</translation>
    </message>
</context>
<context>
    <name>tcpscope::ConnectDialog</name>
    <message>
        <source>Connect to host</source>
        <translation>连接到主机</translation>
    </message>
    <message>
        <source>user@host, host:2222, or a Host of ~/.ssh/config</source>
        <translation>user@host、host:2222，或 ~/.ssh/config 中的某个 Host</translation>
    </message>
    <message>
        <source>tcpscope runs your ssh client (your keys, agent and ~/.ssh/config) in batch mode: it never asks for a password and stores none. Set up key login first (&lt;code&gt;ssh-copy-id&lt;/code&gt;). The host needs tcpscope-cli; no root is needed there.</source>
        <translation>tcpscope 以批处理模式运行你的 ssh 客户端（使用你的密钥、代理和 ~/.ssh/config）：它从不询问密码，也不保存密码。请先设置好密钥登录（&lt;code&gt;ssh-copy-id&lt;/code&gt;）。对端主机需要装有 tcpscope-cli；在那里不需要 root 权限。</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <source>tcpscope-cli on it:</source>
        <translation>对端的 tcpscope-cli：</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Not a host: write user@host, host, or host:port.</source>
        <translation>这不是主机名：请写成 user@host、host 或 host:port。</translation>
    </message>
</context>
<context>
    <name>tcpscope::ExportActions</name>
    <message>
        <source>Save &amp;packets as pcapng…</source>
        <translation>将报文保存为 pcapng(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Save session…</source>
        <translation>保存会话(&amp;S)…</translation>
    </message>
    <message>
        <source>The kernel table's timeline and the capture's packets, in one pcapng file that tcpscope reopens as it was</source>
        <translation>内核套接字表的时间线和抓到的报文，保存在一个 pcapng 文件中，tcpscope 可原样重新打开</translation>
    </message>
    <message>
        <source>Export &amp;picture…</source>
        <translation>导出图片(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Copy picture of the diagram</source>
        <translation>复制状态图图片(&amp;C)</translation>
    </message>
    <message>
        <source>Export &amp;data</source>
        <translation>导出数据(&amp;D)</translation>
    </message>
    <message>
        <source>Connections, as filtered…</source>
        <translation>连接（按当前过滤）…</translation>
    </message>
    <message>
        <source>All transitions…</source>
        <translation>所有状态转换…</translation>
    </message>
    <message>
        <source>Transitions of the selected connection…</source>
        <translation>选中连接的状态转换…</translation>
    </message>
    <message>
        <source>Counts per state over time…</source>
        <translation>各状态数量随时间变化…</translation>
    </message>
    <message>
        <source>Save the packets</source>
        <translation>保存报文</translation>
    </message>
    <message>
        <source>pcapng capture (*.pcapng)</source>
        <translation>pcapng 抓包文件 (*.pcapng)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Cannot save the packets</source>
        <translation>无法保存报文</translation>
    </message>
    <message>
        <source>Save the session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>tcpscope session (*.pcapng)</source>
        <translation>tcpscope 会话 (*.pcapng)</translation>
    </message>
    <message>
        <source>Saved the session to %1</source>
        <translation>会话已保存到 %1</translation>
    </message>
    <message>
        <source>Cannot save the session</source>
        <translation>无法保存会话</translation>
    </message>
    <message>
        <source>State diagram</source>
        <translation>状态图</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <source>History of the selected connection</source>
        <translation>选中连接的历史</translation>
    </message>
    <message>
        <source>Whole window</source>
        <translation>整个窗口</translation>
    </message>
    <message>
        <source>The picture is on the clipboard</source>
        <translation>图片已复制到剪贴板</translation>
    </message>
    <message>
        <source>Cannot export the picture</source>
        <translation>无法导出图片</translation>
    </message>
    <message>
        <source>The diagram is on the clipboard</source>
        <translation>状态图已复制到剪贴板</translation>
    </message>
    <message>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <source>CSV for spreadsheets (*.csv);;JSON (*.json)</source>
        <translation>CSV 电子表格 (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Cannot export the data</source>
        <translation>无法导出数据</translation>
    </message>
    <message>
        <source>Segments of the selected connection (its ladder)…</source>
        <translation>选中连接的报文段（梯形图）…</translation>
    </message>
    <message>
        <source>Ladder of the selected connection</source>
        <translation>选中连接的梯形图</translation>
    </message>
    <message>
        <source>Findings (diagnoses)…</source>
        <translation>诊断结果…</translation>
    </message>
</context>
<context>
    <name>tcpscope::ExportPictureDialog</name>
    <message>
        <source>Export a picture</source>
        <translation>导出图片</translation>
    </message>
    <message>
        <source>1× (screen)</source>
        <translation>1×（屏幕）</translation>
    </message>
    <message>
        <source>2× (print)</source>
        <translation>2×（打印）</translation>
    </message>
    <message>
        <source>3× (large print)</source>
        <translation>3×（大幅打印）</translation>
    </message>
    <message>
        <source>Print-friendly: white background, dark text</source>
        <translation>适合打印：白色背景、深色文字</translation>
    </message>
    <message>
        <source>Caption under the picture</source>
        <translation>在图片下方加说明</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG vector drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图片 (*.png);;SVG 矢量图 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>File (.png, .svg, .pdf)</source>
        <translation>文件（.png、.svg、.pdf）</translation>
    </message>
    <message>
        <source>PNG scale</source>
        <translation>PNG 缩放</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Copy to clipboard</source>
        <translation>复制到剪贴板</translation>
    </message>
    <message>
        <source>A4</source>
        <translation>A4</translation>
    </message>
    <message>
        <source>Letter</source>
        <translation>Letter（美式信纸）</translation>
    </message>
    <message>
        <source>A table's or a history's PDF is cut into pages of this size, its header on each</source>
        <translation>表格或历史的 PDF 按这种纸张分页，每页都重复表头</translation>
    </message>
    <message>
        <source>PDF pages (tables)</source>
        <translation>PDF 纸张（表格）</translation>
    </message>
    <message>
        <source>The diagram as it moves: tokens, flashing arrows, the pointer</source>
        <translation>状态图运动中的样子：标记、闪烁的箭头、鼠标指向</translation>
    </message>
    <message>
        <source>Off: the diagram at rest, with the states and the followed connection's steps but nothing in flight</source>
        <translation>关闭时：静止的状态图，有各状态和所跟随连接的步骤，但没有正在移动的东西</translation>
    </message>
</context>
<context>
    <name>tcpscope::FindingsBadge</name>
    <message>
        <source>⚠ 1 finding, at warning level or above</source>
        <translation>⚠ 1 条诊断，达到警告级别</translation>
    </message>
    <message>
        <source>⚠ %1 findings, %2 at warning level or above</source>
        <translation>⚠ %1 条诊断，%2 条达到警告级别</translation>
    </message>
    <message>
        <source>1 finding</source>
        <translation>1 条诊断</translation>
    </message>
    <message>
        <source>%1 findings</source>
        <translation>%1 条诊断</translation>
    </message>
</context>
<context>
    <name>tcpscope::FindingsPanel</name>
    <message>
        <source>critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>info</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Findings (%1)</source>
        <translation>诊断（%1）</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>诊断结果</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>No findings: no CLOSE_WAIT leak, no port exhaustion, no listener overloaded, no stuck closes, no failing connects, no dead peers.</source>
        <translation>没有诊断结果：没有 CLOSE_WAIT 泄漏，没有端口耗尽，没有过载的监听套接字，没有卡住的关闭，没有失败的连接，没有已死的对端。</translation>
    </message>
    <message>
        <source>Show all sockets</source>
        <translation>显示全部套接字</translation>
    </message>
    <message>
        <source>Thresholds…</source>
        <translation>阈值…</translation>
    </message>
    <message>
        <source>When each finding is made: the diagnosis thresholds</source>
        <translation>每种诊断在何时给出：诊断阈值</translation>
    </message>
</context>
<context>
    <name>tcpscope::FleetModel</name>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>job %1</source>
        <translation>任务 %1</translation>
    </message>
    <message>
        <source>up</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>down</source>
        <translation>不可达</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Scrape</source>
        <translation>抓取</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Sockets</source>
        <translation>套接字</translation>
    </message>
    <message>
        <source>CLOSE_WAIT held by</source>
        <translation>持有 CLOSE_WAIT 的进程</translation>
    </message>
    <message>
        <source>%1 critical</source>
        <translation>严重 %1</translation>
    </message>
    <message>
        <source>%1 warning</source>
        <translation>警告 %1</translation>
    </message>
    <message>
        <source>%1 info</source>
        <translation>提示 %1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
</context>
<context>
    <name>tcpscope::FleetPage</name>
    <message>
        <source>No Prometheus server set: give its URL above (or start tcpscope with --prometheus URL).</source>
        <translation>尚未设置 Prometheus 服务器：请在上方填写它的 URL（或用 --prometheus URL 启动 tcpscope）。</translation>
    </message>
    <message>
        <source>%1 has no tcpscope metrics: no job scrapes `tcpscope-cli serve` (see docs/prometheus/prometheus.yml), or its targets are down.</source>
        <translation>%1 上没有 tcpscope 指标：没有任务抓取 `tcpscope-cli serve`（见 docs/prometheus/prometheus.yml），或者它的目标都不可达。</translation>
    </message>
    <message>
        <source>History of %1 (loading…)</source>
        <translation>%1 的历史（加载中…）</translation>
    </message>
    <message>
        <source>History of %1: %2</source>
        <translation>%1 的历史：%2</translation>
    </message>
    <message>
        <source>History of %1: sockets per state, the last %2</source>
        <translation>%1 的历史：各状态的套接字数，最近 %2</translation>
    </message>
    <message>
        <source>Show its history</source>
        <translation>显示它的历史</translation>
    </message>
    <message>
        <source>Open live tab over SSH</source>
        <translation>通过 SSH 打开实时标签页</translation>
    </message>
    <message>
        <source>Prometheus:</source>
        <translation>Prometheus：</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>6 hours</source>
        <translation>6 小时</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 小时</translation>
    </message>
    <message>
        <source>Click an instance for its history.</source>
        <translation>点击一个实例，查看它的历史。</translation>
    </message>
    <message>
        <source>Instances: %1 (at %2, from %3; refreshed every %4 s).</source>
        <translation>实例：%1 个（时间 %2，来自 %3；每 %4 s 刷新一次）。</translation>
    </message>
</context>
<context>
    <name>tcpscope::GettingStarted</name>
    <message>
        <source>Getting started with tcpscope</source>
        <translation>tcpscope 入门</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Where to see a connection open and close&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Kernel table&lt;/b&gt; (the first tab) polls the kernel's socket table, by default once a second. It shows what lasts — ESTABLISHED, CLOSE_WAIT, TIME_WAIT, LISTEN — but a handshake on this machine takes well under a millisecond: SYN_SENT and SYN_RECEIVED, FIN_WAIT_1 and LAST_ACK usually come and go between two polls.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Packets&lt;/b&gt; show every step: open a capture file (File ▸ Open capture…, or drop a .pcap on the window), or capture live (File ▸ Live capture…). The packet engine follows both endpoints through the state diagram, segment by segment; click the chart or use Step to go through it.&lt;/p&gt;&lt;p&gt;&lt;b&gt;The Lab&lt;/b&gt; (Lab ▸ Show the Lab panel) plays textbook situations with real sockets on this machine: choose a scenario and press &lt;i&gt;Start&lt;/i&gt;, then &lt;i&gt;Next&lt;/i&gt; before each step. The table follows the scenario's sockets, polled every 100 ms, and its packets are captured in a tab of their own when capturing is permitted.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;在哪里看到连接的建立与关闭&lt;/h3&gt;&lt;p&gt;&lt;b&gt;内核表&lt;/b&gt;（第一个标签页）轮询内核的套接字表，默认每秒一次。它能显示持续较久的状态——ESTABLISHED、CLOSE_WAIT、TIME_WAIT、LISTEN——但本机上的一次三次握手远不到一毫秒：SYN_SENT 与 SYN_RECEIVED、FIN_WAIT_1 与 LAST_ACK 通常在两次轮询之间就已出现又消失。&lt;/p&gt;&lt;p&gt;&lt;b&gt;报文&lt;/b&gt;显示每一步：打开抓包文件（文件 ▸ 打开抓包文件…，或把 .pcap 文件拖到窗口上），或者实时抓包（文件 ▸ 实时抓包…）。报文引擎逐个报文段地跟随双方端点走过状态图；点击图表或使用“下一步”逐步查看。&lt;/p&gt;&lt;p&gt;&lt;b&gt;实验&lt;/b&gt;（实验 ▸ 显示实验面板）在本机上用真实的套接字演示教科书中的情形：选择一个场景，按&lt;i&gt;开始&lt;/i&gt;，然后在每一步之前按&lt;i&gt;下一步&lt;/i&gt;。表格会跟随场景的套接字，每 100 毫秒轮询一次；在允许抓包时，它的报文会在单独的标签页中抓取。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Show the Lab</source>
        <translation>显示实验面板</translation>
    </message>
    <message>
        <source>Open a capture file…</source>
        <translation>打开抓包文件…</translation>
    </message>
    <message>
        <source>Capture live…</source>
        <translation>实时抓包…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Show this at start</source>
        <translation>启动时显示此页</translation>
    </message>
</context>
<context>
    <name>tcpscope::GoneSocketText</name>
    <message>
        <source>Its TIME_WAIT is over: the 60 s timer ran out and the kernel freed it (TIME_WAIT → CLOSED), the usual end of the side that closed first. A new SYN for the same 4-tuple, tcp_tw_reuse or an RST can end it sooner.</source>
        <translation>它的 TIME_WAIT 已结束：60 s 计时器到期，内核释放了它（TIME_WAIT → CLOSED），这是先关闭的一方通常的结局。同一四元组的新 SYN、tcp_tw_reuse 或 RST 都可能让它提前结束。</translation>
    </message>
    <message>
        <source>The ACK of its FIN arrived (LAST_ACK → CLOSED), or its FIN's retransmissions ran out: this side closed without TIME_WAIT.</source>
        <translation>对其 FIN 的 ACK 已到达（LAST_ACK → CLOSED），或者 FIN 的重传次数已用尽：本端不经过 TIME_WAIT 就关闭了。</translation>
    </message>
    <message>
        <source>No FIN came from its peer (that would have moved it to TIME_WAIT): if its application had closed it, tcp_fin_timeout ran out; otherwise an RST or a timeout ended it.</source>
        <translation>对端一直没有发来 FIN（否则它会进入 TIME_WAIT）：如果它的应用程序已关闭它，那是 tcp_fin_timeout 到期了；否则是 RST 或超时结束了它。</translation>
    </message>
    <message>
        <source>An RST or a retransmission timeout ended it (for an orphan, tcp_orphan_retries); its peer's FIN would have moved it to CLOSING or TIME_WAIT instead.</source>
        <translation>RST 或重传超时结束了它（孤儿套接字受 tcp_orphan_retries 限制）；若收到对端的 FIN，它会进入 CLOSING 或 TIME_WAIT。</translation>
    </message>
    <message>
        <source>An RST or a timeout ended it; the ACK of its FIN would have moved it to TIME_WAIT instead.</source>
        <translation>RST 或超时结束了它；若收到对其 FIN 的 ACK，它会进入 TIME_WAIT。</translation>
    </message>
    <message>
        <source>Its application closed it between two polls: its FIN went out and the peer's ACK came back (CLOSE_WAIT → LAST_ACK → CLOSED) faster than the polling interval; or close() with unread data, or an RST, ended it at once.</source>
        <translation>它的应用程序在两次轮询之间关闭了它：FIN 发出、对端的 ACK 返回（CLOSE_WAIT → LAST_ACK → CLOSED），都快于轮询间隔；或者带着未读数据的 close()、或一个 RST，立即结束了它。</translation>
    </message>
    <message>
        <source>It ended between two polls: reset (an RST received, or sent by close() with unread data or SO_LINGER 0), timed out, or — its peer closing first — closed through CLOSE_WAIT and LAST_ACK faster than the polling interval. Closing first would have left it in TIME_WAIT for 60 s. Exact mode sees every step.</source>
        <translation>它在两次轮询之间结束了：被复位（收到 RST，或因带着未读数据的 close() 或 SO_LINGER 0 而发出 RST）、超时，或者——对端先关闭——经过 CLOSE_WAIT 和 LAST_ACK，快于轮询间隔地关闭了。若本端先关闭，它会在 TIME_WAIT 中停留 60 s。精确模式能看到每一步。</translation>
    </message>
    <message>
        <source>Its application closed the listening socket (or exited): connections to this port are now refused with an RST.</source>
        <translation>它的应用程序关闭了监听套接字（或已退出）：现在连接此端口会被 RST 拒绝。</translation>
    </message>
    <message>
        <source>The connection attempt ended: refused (RST), unreachable (ICMP), given up after the SYN retries or closed by its application — or it succeeded and closed again between two polls.</source>
        <translation>这次连接尝试已结束：被拒绝（RST）、不可达（ICMP）、SYN 重传用尽后放弃，或被其应用程序关闭——也可能它已成功，并在两次轮询之间又关闭了。</translation>
    </message>
    <message>
        <source>A request socket ends when the handshake completes (the connection is then a new ESTABLISHED socket in the listener's accept queue), when its SYN+ACK retries run out (about 63 s), or on an RST.</source>
        <translation>请求套接字在握手完成时结束（连接随即成为监听套接字全连接队列中一个新的 ESTABLISHED 套接字），或在 SYN+ACK 重传用尽时结束（约 63 s），或因 RST 而结束。</translation>
    </message>
    <message>
        <source>It was closed or reset between two polls.</source>
        <translation>它在两次轮询之间被关闭或复位了。</translation>
    </message>
    <message>
        <source>Gone from the kernel's table: missing at the poll of %1, still there at %2.</source>
        <translation>已从内核套接字表中消失：%1 的轮询中已没有它，%2 时还在。</translation>
    </message>
    <message>
        <source>Gone from the kernel's table: missing at the poll of %1.</source>
        <translation>已从内核套接字表中消失：%1 的轮询中已没有它。</translation>
    </message>
    <message>
        <source>Last seen in %1, in that state for ≥ %2.</source>
        <translation>最后一次见到时处于 %1，在该状态中已有 ≥ %2。</translation>
    </message>
    <message>
        <source>No timer runs for it any more: the kernel holds nothing of this socket now.</source>
        <translation>它不再有任何计时器在运行：内核现在不再保存这个套接字的任何信息。</translation>
    </message>
    <message>
        <source>Its row has left the table; its history stays under History.</source>
        <translation>它的行已离开表格；它的历史仍保留在“历史”中。</translation>
    </message>
</context>
<context>
    <name>tcpscope::KernelLadderView</name>
    <message>
        <source>polled, ≤ %1 s</source>
        <translation>轮询，≤ %1 秒</translation>
    </message>
    <message>
        <source>by a packet or a timer</source>
        <translation>由报文或定时器引起</translation>
    </message>
    <message>
        <source>by %1 (pid %2)</source>
        <translation>由 %1（pid %2）引起</translation>
    </message>
    <message>
        <source>states traced in this host's kernel</source>
        <translation>状态取自本机内核的跟踪</translation>
    </message>
    <message>
        <source>this socket</source>
        <translation>本套接字</translation>
    </message>
    <message>
        <source>the other end</source>
        <translation>对端</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>states only: the kernel's trace sees no segments</source>
        <translation>只有状态：内核跟踪看不到报文段</translation>
    </message>
    <message>
        <source>none: a listener has no other end</source>
        <translation>无：监听套接字没有对端</translation>
    </message>
    <message>
        <source>not observed (not traced on this host)</source>
        <translation>未观测（本机没有跟踪到）</translation>
    </message>
</context>
<context>
    <name>tcpscope::KernelPage</name>
    <message>
        <source>Kernel table: starting…</source>
        <translation>内核套接字表：正在启动…</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Observed</source>
        <translation>观测方式</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>所有状态</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Kernel table</source>
        <translation>内核套接字表</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Freeze the picture; polling goes on and the chart catches up on resume</source>
        <translation>冻结画面；轮询继续进行，恢复后图表会补上</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Start the chart and the histories afresh</source>
        <translation>重新开始图表和历史记录</translation>
    </message>
    <message>
        <source> Poll every </source>
        <translation> 轮询间隔 </translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source> Chart shows </source>
        <translation> 图表显示 </translation>
    </message>
    <message>
        <source>last minute</source>
        <translation>最近 1 分钟</translation>
    </message>
    <message>
        <source>last 5 minutes</source>
        <translation>最近 5 分钟</translation>
    </message>
    <message>
        <source>last 15 minutes</source>
        <translation>最近 15 分钟</translation>
    </message>
    <message>
        <source>whole session</source>
        <translation>整个会话</translation>
    </message>
    <message>
        <source>Stacked</source>
        <translation>堆叠</translation>
    </message>
    <message>
        <source>Stack the states' areas instead of drawing lines</source>
        <translation>把各状态画成堆叠面积图，而不是折线</translation>
    </message>
    <message>
        <source>Kernel table via %1 · %2 sockets · poll %3 ms (read %4, processes %5, diff %6)</source>
        <translation>内核套接字表（%1）· %2 个套接字 · 轮询 %3 毫秒（读取 %4，进程 %5，比较 %6）</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · 已暂停</translation>
    </message>
    <message>
        <source>Session of %1 from %2, as it was at %3 · polling stopped: Pause off goes live again</source>
        <translation>%1 的会话，来自 %2，时间为 %3 · 轮询已停止：取消暂停即恢复实时</translation>
    </message>
    <message>
        <source>kernel table of %1</source>
        <translation>%1 的内核套接字表</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>时间 %1</translation>
    </message>
    <message>
        <source>(appeared)</source>
        <translation>（出现）</translation>
    </message>
    <message>
        <source>poll, ≤ %1 s</source>
        <translation>轮询，≤ %1 秒</translation>
    </message>
    <message>
        <source>Seen by polling the kernel's table: the change happened within the %1 s before this poll</source>
        <translation>通过轮询内核套接字表观测到：变化发生在本次轮询之前的 %1 秒内</translation>
    </message>
    <message>
        <source>no change seen yet</source>
        <translation>尚未观测到变化</translation>
    </message>
    <message>
        <source>Copy row(s)</source>
        <translation>复制行</translation>
    </message>
    <message>
        <source>Filter to this process</source>
        <translation>只看此进程</translation>
    </message>
    <message>
        <source>Filter to this remote host</source>
        <translation>只看此远端主机</translation>
    </message>
    <message>
        <source>Filter to %1</source>
        <translation>只看 %1</translation>
    </message>
    <message>
        <source>Filter: address, port, process, state, pid:N (words must all match)</source>
        <translation>过滤：地址、端口、进程、状态、pid:N（所有词都须匹配）</translation>
    </message>
    <message>
        <source> · %1 of %2 rows shown by the filter</source>
        <translation> · 过滤后显示 %2 行中的 %1 行</translation>
    </message>
    <message>
        <source>Kernel table (saved session)</source>
        <translation>内核套接字表（已保存的会话）</translation>
    </message>
    <message>
        <source>Kernel table (live)</source>
        <translation>内核套接字表（实时）</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Close connection…</source>
        <translation>关闭连接…</translation>
    </message>
    <message>
        <source>Close connection</source>
        <translation>关闭连接</translation>
    </message>
    <message>
        <source>Close the connection %1 → %2?</source>
        <translation>关闭连接 %1 → %2？</translation>
    </message>
    <message>
        <source>The kernel destroys this socket, as ss -K does: the application holding it gets ECONNABORTED on its next call, the peer a reset, and data still in flight is lost. This does not cure a CLOSE_WAIT leak: an application that never calls close() leaks its next connection the same way.</source>
        <translation>内核会销毁这个套接字（与 ss -K 相同）：持有它的应用程序在下一次调用时得到 ECONNABORTED，对端收到复位（RST），仍在传输中的数据丢失。这治不了 CLOSE_WAIT 泄漏：从不调用 close() 的应用程序会以同样的方式泄漏下一个连接。</translation>
    </message>
    <message>
        <source>Connection closed</source>
        <translation>连接已关闭</translation>
    </message>
    <message>
        <source>%1 → %2 is closed: its application gets ECONNABORTED, the peer a reset.</source>
        <translation>%1 → %2 已关闭：其应用程序得到 ECONNABORTED，对端收到复位（RST）。</translation>
    </message>
    <message>
        <source>tcpscope-trace may not destroy sockets: it needs the capability cap_net_admin.</source>
        <translation>tcpscope-trace 无权销毁套接字：它需要 cap_net_admin 能力。</translation>
    </message>
    <message>
        <source>This kernel cannot destroy sockets: it was built without CONFIG_INET_DIAG_DESTROY.</source>
        <translation>这个内核不能销毁套接字：编译时没有启用 CONFIG_INET_DIAG_DESTROY。</translation>
    </message>
    <message>
        <source>The kernel has no such socket any more: it closed since the last poll.</source>
        <translation>内核中已没有这个套接字：它在上次轮询之后已关闭。</translation>
    </message>
    <message>
        <source>The trace helper could not close it.</source>
        <translation>跟踪辅助程序未能关闭它。</translation>
    </message>
    <message>
        <source>Cannot close the connection</source>
        <translation>无法关闭连接</translation>
    </message>
    <message>
        <source>Select a socket in the table to see its states and its other end's on two timelines, as the kernel traced them.</source>
        <translation>在表格中选择一个套接字，即可在两条时间线上看到它和对端的状态，与内核跟踪到的一致。</translation>
    </message>
    <message>
        <source>No state change of this socket has been traced yet (it was there before the trace started): its ladder begins at its next change.</source>
        <translation>还没有跟踪到这个套接字的状态变化（它在跟踪开始之前就已存在）：它的梯形图从下一次状态变化开始。</translation>
    </message>
    <message>
        <source>A socket's ladder needs the exact trace (Exact (eBPF) in the toolbar; root or the trace helper's capabilities). Polling sees a state only when a poll finds it: when it changed between two polls, and a state that lasted less than a poll, would be guesses, so no bands are drawn from polls.</source>
        <translation>套接字的梯形图需要精确跟踪（工具栏中的“精确（eBPF）”；需要 root 或跟踪助手的权能）。轮询只能在某次轮询发现时看到一个状态：两次轮询之间何时发生了变化，以及持续时间短于一次轮询的状态，都只能猜测，所以不根据轮询画状态带。</translation>
    </message>
    <message>
        <source> Namespace </source>
        <translation> 网络命名空间 </translation>
    </message>
    <message>
        <source>Whose sockets: this host's own network namespace, another one (`ip netns`, a container's, a process's; through tcpscope-netns), or all at once</source>
        <translation>看谁的套接字：本机自己的网络命名空间、另一个（`ip netns`、容器的、进程的；经由 tcpscope-netns），或一次看全部</translation>
    </message>
    <message>
        <source>This host (net:[%1])</source>
        <translation>本机（net:[%1]）</translation>
    </message>
    <message>
        <source>This host</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>All namespaces</source>
        <translation>所有网络命名空间</translation>
    </message>
    <message>
        <source>Kernel table: opening %1…</source>
        <translation>内核套接字表：正在打开 %1…</translation>
    </message>
    <message>
        <source> Namespace: %1 (the Lab's own) </source>
        <translation> 网络命名空间：%1（实验专用） </translation>
    </message>
</context>
<context>
    <name>tcpscope::KernelSocketModel</name>
    <message>
        <source>closed (was %1)</source>
        <translation>已关闭（原为 %1）</translation>
    </message>
    <message>
        <source>— no descriptor in this state</source>
        <translation>— 此状态没有描述符</translation>
    </message>
    <message>
        <source>— closed by its application</source>
        <translation>— 已被其应用程序关闭</translation>
    </message>
    <message>
        <source>another user's (run as root to see)</source>
        <translation>其他用户的（以 root 运行才能看到）</translation>
    </message>
    <message>
        <source>kernel + packets: %1 (peer %2)</source>
        <translation>内核 + 报文：%1（对端 %2）</translation>
    </message>
    <message>
        <source>kernel</source>
        <translation>内核</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>协议族</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>本地</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>远端</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>In state</source>
        <translation>处于此状态</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>存在时间</translation>
    </message>
    <message>
        <source>Recv-Q</source>
        <translation>Recv-Q</translation>
    </message>
    <message>
        <source>Send-Q</source>
        <translation>Send-Q</translation>
    </message>
    <message>
        <source>Timer</source>
        <translation>计时器</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>≥ %1</source>
        <translation>≥ %1</translation>
    </message>
    <message>
        <source>Exact: TIME_WAIT lasts 60 s on Linux and its timer has %1 s left</source>
        <translation>精确值：Linux 上 TIME_WAIT 持续 60 s，其计时器还剩 %1 s</translation>
    </message>
    <message>
        <source>At least this long: the socket was already there when tcpscope started watching (%1 ago), and the kernel does not say when it was made</source>
        <translation>至少这么久：tcpscope 开始观察时（%1 之前）这个套接字已经存在，而内核不提供它的创建时间</translation>
    </message>
    <message>
        <source>An orphaned FIN_WAIT_2 socket (its application closed it): the kernel ends it after tcp_fin_timeout; ss names this timer timewait</source>
        <translation>孤儿 FIN_WAIT_2 套接字（应用程序已将其关闭）：内核在 tcp_fin_timeout 之后将其释放；ss 把这个计时器称为 timewait</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>网络命名空间</translation>
    </message>
</context>
<context>
    <name>tcpscope::KernelTraceMode</name>
    <message>
        <source>Exact transitions unavailable: %1</source>
        <translation>无法获得精确的状态转换：%1</translation>
    </message>
    <message>
        <source>Exact (eBPF)</source>
        <translation>精确（eBPF）</translation>
    </message>
    <message>
        <source>Every state change as the kernel makes it, traced with eBPF by the tcpscope-trace helper (needs cap_bpf,cap_perfmon,cap_syslog)</source>
        <translation>内核做出的每一次状态变化，由 tcpscope-trace 辅助程序用 eBPF 跟踪（需要 cap_bpf,cap_perfmon,cap_syslog 权限）</translation>
    </message>
    <message>
        <source> · exact (eBPF)</source>
        <translation> · 精确（eBPF）</translation>
    </message>
    <message>
        <source> · polled every %1 ms</source>
        <translation> · 每 %1 毫秒轮询一次</translation>
    </message>
    <message>
        <source> · %1 events lost (trace buffer full)</source>
        <translation> · 丢失 %1 个事件（跟踪缓冲区已满）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>a packet or timer</source>
        <translation>报文或计时器</translation>
    </message>
    <message>
        <source>exact, by %1</source>
        <translation>精确，由 %1 引起</translation>
    </message>
    <message>
        <source>Traced in the kernel: %1's system call made this change</source>
        <translation>在内核中跟踪到：%1 的系统调用引起了这次变化</translation>
    </message>
    <message>
        <source>Traced in the kernel: a packet or a timer (softirq) made this change; no process caused it</source>
        <translation>在内核中跟踪到：这次变化由报文或计时器（软中断）引起，不是某个进程造成的</translation>
    </message>
</context>
<context>
    <name>tcpscope::LabLog</name>
    <message>
        <source>appeared in %1</source>
        <translation>出现于 %1</translation>
    </message>
    <message>
        <source>gone (was %1)</source>
        <translation>消失（原为 %1）</translation>
    </message>
    <message>
        <source>✗ not seen: %1</source>
        <translation>✗ 未观测到：%1</translation>
    </message>
    <message>
        <source>Stopped: the scenario's sockets are closed.</source>
        <translation>已停止：场景创建的套接字都已关闭。</translation>
    </message>
    <message>
        <source>Every step showed what it claims.</source>
        <translation>每一步都展示了它所说的内容。</translation>
    </message>
    <message>
        <source>A step did not show what it claims.</source>
        <translation>有一步没有展示它所说的内容。</translation>
    </message>
    <message>
        <source>%1 gone</source>
        <translation>%1 已消失</translation>
    </message>
    <message>
        <source> (Recv-Q ≥ %1)</source>
        <translation>（Recv-Q ≥ %1）</translation>
    </message>
    <message>
        <source>Needs root: it makes a network namespace where nftables holds back FINs and SYNs. Start tcpscope-cli lab run %1 as root to play it.</source>
        <translation>需要 root 权限：它会创建一个网络命名空间，用 nftables 拦住 FIN 和 SYN。请以 root 身份运行 tcpscope-cli lab run %1。</translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>%1 passed through %2 (exact)</source>
        <translation>%1 经过了 %2（精确）</translation>
    </message>
</context>
<context>
    <name>tcpscope::LabPanel</name>
    <message>
        <source>Lab: real sockets on this machine, step by step</source>
        <translation>实验：本机上的真实套接字，一步一步来</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Start the scenario, one step at a time</source>
        <translation>开始场景，一次一步</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Run all</source>
        <translation>全部运行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Without the window: tcpscope-cli lab run %1</source>
        <translation>不打开窗口时：tcpscope-cli lab run %1</translation>
    </message>
    <message>
        <source>&amp;Start the selected scenario step by step</source>
        <translation>逐步运行选中的场景(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Next step</source>
        <translation>下一步(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Run the selected scenario to the end</source>
        <translation>一次运行完选中的场景(&amp;R)</translation>
    </message>
    <message>
        <source>S&amp;top the scenario</source>
        <translation>停止场景(&amp;T)</translation>
    </message>
</context>
<context>
    <name>tcpscope::LabTabs</name>
    <message>
        <source>Lab packets: %1</source>
        <translation>实验报文：%1</translation>
    </message>
    <message>
        <source>The packets of the Lab scenario %1</source>
        <translation>实验场景 %1 的报文</translation>
    </message>
    <message>
        <source>Lab kernel table: %1</source>
        <translation>实验内核表：%1</translation>
    </message>
    <message>
        <source>The socket table of the network namespace the scenario %1 runs in, polled by the Lab's worker: the kernel table tab (this machine's namespace) never sees these sockets</source>
        <translation>场景 %1 所在网络命名空间的套接字表，由实验的工作进程轮询：内核表标签页（本机的命名空间）永远看不到这些套接字</translation>
    </message>
    <message>
        <source>The Lab scenario has ended: the kernel table shows your filter again (type %1 in the filter to see what is left of the scenario's sockets).</source>
        <translation>实验场景已结束：内核表恢复为你的过滤条件（在过滤框中输入 %1，可查看该场景剩下的套接字）。</translation>
    </message>
    <message>
        <source>lo in the scenario's network namespace</source>
        <translation>场景网络命名空间中的 lo</translation>
    </message>
    <message>
        <source>Lab kernel table: %1 (namespace %2)</source>
        <translation>实验内核表：%1（命名空间 %2）</translation>
    </message>
</context>
<context>
    <name>tcpscope::LadderPane</name>
    <message>
        <source>One row per segment</source>
        <translation>每个报文段一行</translation>
    </message>
    <message>
        <source>Proportional time</source>
        <translation>按时间比例</translation>
    </message>
    <message>
        <source>Proportional: the space between rows follows the time between segments; long idle gaps are folded and their length written</source>
        <translation>按时间比例：行间距随报文段之间的时间而定；较长的空闲间隔被折叠，并标出其时长</translation>
    </message>
    <message>
        <source>Absolute numbers</source>
        <translation>绝对序号</translation>
    </message>
    <message>
        <source>Sequence and acknowledgement numbers as sent, and windows unscaled, instead of relative to each side's initial sequence number</source>
        <translation>显示发送时的原始序号和确认号，以及未经扩大因子换算的窗口，而不是相对于各端初始序号的值</translation>
    </message>
    <message>
        <source>Steps walk segments</source>
        <translation>逐个报文段单步</translation>
    </message>
    <message>
        <source>◀ Step and Step ▶ move one segment; unticked, one transition of the selected connection</source>
        <translation>“◀ 上一步”和“下一步 ▶”每次移动一个报文段；不勾选时，每次移动选中连接的一次状态转换</translation>
    </message>
    <message>
        <source>Select a connection in the table to see its segments between its two ends, with both ends' states.</source>
        <translation>在表格中选择一条连接，即可看到它在两端之间往来的报文段，以及两端的状态。</translation>
    </message>
</context>
<context>
    <name>tcpscope::LadderView</name>
    <message>
        <source>&lt;b&gt;Packet %1&lt;/b&gt;: %2 → %3</source>
        <translation>&lt;b&gt;报文 %1&lt;/b&gt;：%2 → %3</translation>
    </message>
    <message>
        <source>Time: %1 s (%2 s since the previous segment)</source>
        <translation>时间：%1 s（距上一个报文段 %2 s）</translation>
    </message>
    <message>
        <source>Flags: %1</source>
        <translation>标志：%1</translation>
    </message>
    <message>
        <source>Sequence number: %1 (raw %2)</source>
        <translation>序号：%1（原始值 %2）</translation>
    </message>
    <message>
        <source>Acknowledgement: %1 (raw %2)</source>
        <translation>确认号：%1（原始值 %2）</translation>
    </message>
    <message>
        <source>Payload: %1 bytes</source>
        <translation>数据：%1 字节</translation>
    </message>
    <message>
        <source>Window: %1 (%2 × 2^%3)</source>
        <translation>窗口：%1（%2 × 2^%3）</translation>
    </message>
    <message>
        <source>Window: %1 (not scaled)</source>
        <translation>窗口：%1（未换算）</translation>
    </message>
    <message>
        <source>Noted: %1</source>
        <translation>标注：%1</translation>
    </message>
    <message>
        <source>%1: %2 → %3 (%4)</source>
        <translation>%1：%2 → %3（%4）</translation>
    </message>
    <message>
        <source>— its arrival is dated by evidence, after packet %1: the receiver's later segments show when it got it</source>
        <translation>——它的到达时间是依据证据推定的，在报文 %1 之后：接收方后来发出的报文段表明了它何时收到</translation>
    </message>
    <message>
        <source>… and %1 more segments: export the data for all of them</source>
        <translation>……另有 %1 个报文段：导出数据可得到全部报文段</translation>
    </message>
    <message>
        <source>assumed (joined mid-stream)</source>
        <translation>推定（抓包从连接中途开始）</translation>
    </message>
    <message>
        <source>retransmission</source>
        <translation>重传</translation>
    </message>
    <message>
        <source>keep-alive probe</source>
        <translation>保活探测</translation>
    </message>
    <message>
        <source>zero-window probe</source>
        <translation>零窗口探测</translation>
    </message>
    <message>
        <source>ACK did not act</source>
        <translation>确认未生效</translation>
    </message>
    <message>
        <source>RST not exact: challenge ACK</source>
        <translation>RST 序号不精确：挑战确认</translation>
    </message>
    <message>
        <source>RST out of window: dropped</source>
        <translation>RST 在窗口外：被丢弃</translation>
    </message>
    <message>
        <source>RST did not arrive</source>
        <translation>RST 未到达</translation>
    </message>
    <message>
        <source>stray SYN: challenge ACK</source>
        <translation>多余的 SYN：挑战确认</translation>
    </message>
    <message>
        <source>duplicate ACK</source>
        <translation>重复确认</translation>
    </message>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>%1 idle (folded)</source>
        <translation>空闲 %1（已折叠）</translation>
    </message>
</context>
<context>
    <name>tcpscope::LiveCapturePage</name>
    <message>
        <source>BPF filter, e.g. tcp port 8080</source>
        <translation>BPF 过滤表达式，例如 tcp port 8080</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>接口</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>过滤</translation>
    </message>
    <message>
        <source>Not capturing. Live capture runs the tcpscope-capture helper, the only part of tcpscope that needs cap_net_raw,cap_net_admin.</source>
        <translation>未在抓包。实时抓包由 tcpscope-capture 辅助程序完成，它是 tcpscope 中唯一需要 cap_net_raw,cap_net_admin 权限的部分。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Starting the capture on %1…</source>
        <translation>正在 %1 上启动抓包…</translation>
    </message>
    <message>
        <source>Capturing on %1: no packet yet</source>
        <translation>正在 %1 上抓包：还没有报文</translation>
    </message>
    <message>
        <source>%1 on %2: %3 packets, %4 connections · %5</source>
        <translation>%1（%2）：%3 个报文，%4 条连接 · %5</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Capturing</source>
        <translation>正在抓包</translation>
    </message>
    <message>
        <source>no drop report yet</source>
        <translation>尚无丢包报告</translation>
    </message>
    <message>
        <source>Not capturing. The kernel table and open files keep working.</source>
        <translation>未在抓包。内核套接字表和已打开的文件照常工作。</translation>
    </message>
    <message>
        <source>live capture on %1</source>
        <translation>%1 上的实时抓包</translation>
    </message>
    <message>
        <source>live capture on %1, filter "%2"</source>
        <translation>%1 上的实时抓包，过滤“%2”</translation>
    </message>
    <message>
        <source>The capture helper was killed (signal %1, SIG%2): the capture has stopped. Everything read until then is still shown and kept.</source>
        <translation>抓包辅助程序被杀死（信号 %1，SIG%2）：抓包已停止。此前读到的一切仍然显示并保留。</translation>
    </message>
    <message>
        <source>The capture helper exited with code %1: the capture has stopped. Everything read until then is still shown and kept.</source>
        <translation>抓包辅助程序以退出码 %1 结束：抓包已停止。此前读到的一切仍然显示并保留。</translation>
    </message>
    <message>
        <source>The capture stream was cut off: %1</source>
        <translation>抓包数据流被截断：%1</translation>
    </message>
    <message>
        <source>%1 never left CLOSED</source>
        <translation>%1 从未离开 CLOSED</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1 来自 %2</translation>
    </message>
    <message>
        <source>%1 earlier connections finished and are no longer listed (%2 refused); their endpoints closed: %3. Their packets are kept: File ▸ Save packets saves them all.</source>
        <translation>先前有 %1 条连接已结束，不再列出（其中 %2 条被拒绝）；其端点关闭前的状态：%3。它们的报文仍被保留：文件 ▸ 保存报文会全部保存。</translation>
    </message>
    <message>
        <source>The packets can no longer be kept for saving (%1). The live view goes on; File ▸ Save packets saves the %2 packets kept.</source>
        <translation>报文无法再保留以供保存（%1）。实时视图继续；文件 ▸ 保存报文会保存已保留的 %2 个报文。</translation>
    </message>
    <message>
        <source>%1 of their endpoints were still in TIME_WAIT: the counts and the chart keep them there until their 2·MSL timer ends.</source>
        <translation>其中 %1 个端点当时仍处于 TIME_WAIT：计数和图表会把它们留在 TIME_WAIT，直到各自的 2MSL 计时器到期。</translation>
    </message>
</context>
<context>
    <name>tcpscope::MainWindow</name>
    <message>
        <source>Kernel table: starting…</source>
        <translation>内核套接字表：正在启动…</translation>
    </message>
    <message>
        <source>tcpscope — TCP connections through the state diagram</source>
        <translation>tcpscope — 在状态图中观察 TCP 连接</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open capture…</source>
        <translation>打开抓包文件(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Live capture…</source>
        <translation>实时抓包(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About tcpscope</source>
        <translation>关于 tcpscope(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <source>&lt;h3&gt;tcpscope %1&lt;/h3&gt;&lt;p&gt;Every TCP connection on this machine, moving through the RFC 9293 state diagram.&lt;/p&gt;&lt;p&gt;Qt %2 (built with %3)&lt;br&gt;libpcap %4&lt;br&gt;QCustomPlot %5&lt;/p&gt;</source>
        <translation>&lt;h3&gt;tcpscope %1&lt;/h3&gt;&lt;p&gt;本机的每一条 TCP 连接，在 RFC 9293 状态图中的运动。&lt;/p&gt;&lt;p&gt;Qt %2（编译时 %3）&lt;br&gt;libpcap %4&lt;br&gt;QCustomPlot %5&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About tcpscope</source>
        <translation>关于 tcpscope</translation>
    </message>
    <message>
        <source>Open a capture</source>
        <translation>打开抓包文件</translation>
    </message>
    <message>
        <source>Captures (*.pcap *.pcapng *.cap *.dmp);;All files (*)</source>
        <translation>抓包文件 (*.pcap *.pcapng *.cap *.dmp);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Cannot open the capture</source>
        <translation>无法打开抓包文件</translation>
    </message>
    <message>
        <source>Live capture</source>
        <translation>实时抓包</translation>
    </message>
    <message>
        <source>This tab has no packets: open a capture or start a live capture first.</source>
        <translation>此标签页没有报文：请先打开抓包文件或开始实时抓包。</translation>
    </message>
    <message>
        <source>La&amp;b</source>
        <translation>实验(&amp;B)</translation>
    </message>
    <message>
        <source>Lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Show the &amp;Lab panel</source>
        <translation>显示实验面板(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Getting started</source>
        <translation>入门(&amp;G)</translation>
    </message>
    <message>
        <source>Only %1 of the %2 packets captured were saved to %3: the last %4 could not be kept (%5). The live view still shows their connections.</source>
        <translation>已捕获的 %2 个报文中只有 %1 个保存到了 %3：最后 %4 个未能保留（%5）。实时视图仍显示它们的连接。</translation>
    </message>
    <message>
        <source>&amp;Fleet (Prometheus)…</source>
        <translation>机群（Prometheus）(&amp;F)…</translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation>机群</translation>
    </message>
    <message>
        <source>Fleet through Prometheus</source>
        <translation>通过 Prometheus 查看机群</translation>
    </message>
    <message>
        <source>The URL of a Prometheus server that scrapes `tcpscope-cli serve`:</source>
        <translation>抓取 `tcpscope-cli serve` 的 Prometheus 服务器的 URL：</translation>
    </message>
    <message>
        <source>Connect to &amp;host…</source>
        <translation>连接到主机(&amp;H)…</translation>
    </message>
    <message>
        <source>%1 over SSH</source>
        <translation>%1（经 SSH）</translation>
    </message>
    <message>
        <source>%1 (remote)</source>
        <translation>%1（远程）</translation>
    </message>
</context>
<context>
    <name>tcpscope::PacketConnectionModel</name>
    <message>
        <source>(not yet)</source>
        <translation>（尚未出现）</translation>
    </message>
    <message>
        <source>joined mid-stream (first states inferred)</source>
        <translation>从中途开始（最初的状态为推断）</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>roles unknown</source>
        <translation>角色未知</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>协议族</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Client state</source>
        <translation>客户端状态</translation>
    </message>
    <message>
        <source>Server state</source>
        <translation>服务器状态</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>首次出现</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>持续时间</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>tcpscope::PictureExport</name>
    <message>
        <source>%1 — page %2 of %3</source>
        <translation>%1 — 第 %2 页，共 %3 页</translation>
    </message>
</context>
<context>
    <name>tcpscope::PrometheusClient</name>
    <message>
        <source>“%1” is not the address of a Prometheus server: give its http:// or https:// URL, e.g. http://localhost:9090</source>
        <translation>“%1”不是 Prometheus 服务器的地址：请给出它的 http:// 或 https:// URL，例如 http://localhost:9090</translation>
    </message>
    <message>
        <source>Cannot reach the Prometheus server at %1: %2</source>
        <translation>无法连接 %1 上的 Prometheus 服务器：%2</translation>
    </message>
    <message>
        <source>%1 does not answer as a Prometheus server does (HTTP %2)</source>
        <translation>%1 的应答不是 Prometheus 服务器的应答（HTTP %2）</translation>
    </message>
    <message>
        <source>%1 answered: %2</source>
        <translation>%1 的应答：%2</translation>
    </message>
</context>
<context>
    <name>tcpscope::RemotePage</name>
    <message>
        <source>kernel table of %1, over SSH</source>
        <translation>%1 的内核套接字表（经 SSH）</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 has no tcpscope-cli&lt;/b&gt; (its shell says: &lt;i&gt;%2&lt;/i&gt;).&lt;br&gt;Install it there from the Debian package: build it with &lt;code&gt;installers/build-deb.sh&lt;/code&gt;, copy &lt;code&gt;build-deb/tcpscope-cli_*.deb&lt;/code&gt; to the host and run &lt;code&gt;sudo apt-get install ./tcpscope-cli_*.deb&lt;/code&gt; (see the README, "Install for users"). If it is installed outside the PATH, give its path in File ▸ Connect to host…, then press Retry now.</source>
        <translation>&lt;b&gt;%1 上没有 tcpscope-cli&lt;/b&gt;（它的 shell 说：&lt;i&gt;%2&lt;/i&gt;）。&lt;br&gt;请在那里安装 Debian 软件包：用 &lt;code&gt;installers/build-deb.sh&lt;/code&gt; 构建，把 &lt;code&gt;build-deb/tcpscope-cli_*.deb&lt;/code&gt; 复制到该主机，再运行 &lt;code&gt;sudo apt-get install ./tcpscope-cli_*.deb&lt;/code&gt;（见 README 的“Install for users”一节）。如果它装在 PATH 之外，请在“文件 ▸ 连接到主机…”中填写它的路径，然后点“立即重试”。</translation>
    </message>
    <message>
        <source>&lt;b&gt;The connection to %1 dropped&lt;/b&gt;: %2&lt;br&gt;What was received is kept. Retrying in %3 s; the table is reconciled with a fresh snapshot then.</source>
        <translation>&lt;b&gt;与 %1 的连接已断开&lt;/b&gt;：%2&lt;br&gt;已收到的数据都保留着。%3 秒后重试；届时用一份新的快照核对表格。</translation>
    </message>
    <message>
        <source>&lt;b&gt;The connection to %1 dropped&lt;/b&gt;: %2&lt;br&gt;What was received is kept. Reconnecting now…</source>
        <translation>&lt;b&gt;与 %1 的连接已断开&lt;/b&gt;：%2&lt;br&gt;已收到的数据都保留着。正在重新连接…</translation>
    </message>
    <message>
        <source>Connecting to %1 over SSH…</source>
        <translation>正在经 SSH 连接 %1…</translation>
    </message>
    <message>
        <source>%1 over SSH (%2) · Linux %3 · tcpscope %4</source>
        <translation>%1（经 SSH，%2）· Linux %3 · tcpscope %4</translation>
    </message>
    <message>
        <source>%1 over SSH</source>
        <translation>%1（经 SSH）</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
</context>
<context>
    <name>tcpscope::SourceViews</name>
    <message>
        <source>Animation:</source>
        <translation>动画：</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>slow</source>
        <translation>慢</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>fast</source>
        <translation>快</translation>
    </message>
    <message>
        <source>Follow the selected connection</source>
        <translation>跟随选中的连接</translation>
    </message>
    <message>
        <source>Only the selected connection's tokens move, and the arrows it took are numbered in order</source>
        <translation>只有选中连接的标记会移动，它经过的箭头按顺序编号</translation>
    </message>
    <message>
        <source>Explanation</source>
        <translation>讲解</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Counts over time</source>
        <translation>各状态数量随时间变化</translation>
    </message>
    <message>
        <source>Ladder</source>
        <translation>梯形图</translation>
    </message>
</context>
<context>
    <name>tcpscope::StateCountChart</name>
    <message>
        <source>connections</source>
        <translation>连接数</translation>
    </message>
    <message>
        <source>Stacked</source>
        <translation>堆叠</translation>
    </message>
    <message>
        <source>Each state's count on top of the ones before it</source>
        <translation>每个状态的数量叠加在前面各状态之上</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>Counts on a logarithmic axis: a few hundred stay readable beside tens of thousands</source>
        <translation>数量使用对数坐标轴：几百的数量在几万旁边也看得清</translation>
    </message>
</context>
<context>
    <name>tcpscope::StateDiagramView</name>
    <message>
        <source>in RFC 9293's figure</source>
        <translation>RFC 9293 状态图中的转换</translation>
    </message>
    <message>
        <source>happens, not in the figure</source>
        <translation>实际会发生，图中未画出</translation>
    </message>
    <message>
        <source>RST / abort → CLOSED (when seen)</source>
        <translation>RST/中止 → CLOSED（出现时画出）</translation>
    </message>
    <message>
        <source>(connections end)</source>
        <translation>（连接结束）</translation>
    </message>
    <message>
        <source>(start)</source>
        <translation>（起点）</translation>
    </message>
    <message>
        <source>Now: %1. Click to show them in the table and explain the state.</source>
        <translation>当前：%1 个。点击可在表格中查看它们并讲解这个状态。</translation>
    </message>
    <message>
        <source>%1 per second lately</source>
        <translation>最近每秒 %1 次</translation>
    </message>
    <message>
        <source>client: its steps and state</source>
        <translation>客户端：它的步骤和状态</translation>
    </message>
    <message>
        <source>server: its steps and state</source>
        <translation>服务器：它的步骤和状态</translation>
    </message>
</context>
<context>
    <name>tcpscope::TeachingPanel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <source>The TCP state diagram</source>
        <translation>TCP 状态图</translation>
    </message>
    <message>
        <source>Every box is a state a TCP endpoint can be in; every arrow is what moves it on: an event, and what TCP sends in reply. Point at a state or an arrow to have it explained here; click a state to show its sockets in the table; select a socket to explain where it is and why.</source>
        <translation>每个方框是 TCP 端点可能处于的一个状态；每个箭头表示推动它前进的原因：一个事件，以及 TCP 作为回应发送的内容。把鼠标指向状态或箭头，这里就会讲解它；点击状态可在表格中显示处于该状态的套接字；选中一个套接字，可讲解它处于何处以及原因。</translation>
    </message>
    <message>
        <source>no process</source>
        <translation>没有进程</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>What it means</source>
        <translation>含义</translation>
    </message>
    <message>
        <source>How it is entered</source>
        <translation>如何进入</translation>
    </message>
    <message>
        <source>What ends it</source>
        <translation>如何结束</translation>
    </message>
    <message>
        <source>How long it lasts on Linux</source>
        <translation>在 Linux 上持续多久</translation>
    </message>
    <message>
        <source>If sockets pile up here</source>
        <translation>如果套接字在此堆积</translation>
    </message>
    <message>
        <source>How to confirm it</source>
        <translation>如何确认</translation>
    </message>
    <message>
        <source>A common claim, and the fact</source>
        <translation>常见说法与事实</translation>
    </message>
    <message>
        <source>Settings that matter (value on this machine)</source>
        <translation>相关参数（本机当前值）</translation>
    </message>
    <message>
        <source>Arrows in and out</source>
        <translation>进出的箭头</translation>
    </message>
    <message>
        <source>not on this kernel</source>
        <translation>本内核中不存在</translation>
    </message>
    <message>
        <source>any state</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <source>not drawn in RFC 9293's figure</source>
        <translation>RFC 9293 的图中未画出</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>动作</translation>
    </message>
    <message>
        <source>Why the protocol needs it</source>
        <translation>协议为什么需要它</translation>
    </message>
    <message>
        <source>States</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认值</translation>
    </message>
    <message>
        <source>What changing it does</source>
        <translation>修改它的作用</translation>
    </message>
    <message>
        <source>What it does not do</source>
        <translation>它做不到的事</translation>
    </message>
    <message>
        <source>States it matters for</source>
        <translation>相关的状态</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>专题</translation>
    </message>
    <message>
        <source>Other topics</source>
        <translation>其他专题</translation>
    </message>
    <message>
        <source>Read more</source>
        <translation>延伸阅读</translation>
    </message>
    <message>
        <source>Likely causes</source>
        <translation>可能的原因</translation>
    </message>
    <message>
        <source>What to do</source>
        <translation>应当怎样做</translation>
    </message>
    <message>
        <source>What not to do</source>
        <translation>不应怎样做</translation>
    </message>
    <message>
        <source>Confirm it</source>
        <translation>如何确认</translation>
    </message>
    <message>
        <source>≥ %1</source>
        <translation>≥ %1</translation>
    </message>
    <message>
        <source>Settings that matter (value on %1)</source>
        <translation>相关的设置（%1 上的值）</translation>
    </message>
</context>
<context>
    <name>tcpscope::ThresholdsDialog</name>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source> bytes</source>
        <translation> 字节</translation>
    </message>
    <message>
        <source>CLOSE_WAIT held by one process</source>
        <translation>一个进程持有的 CLOSE_WAIT</translation>
    </message>
    <message>
        <source>CLOSE_WAIT oldest: a leak past</source>
        <translation>最老的 CLOSE_WAIT 超过此时长即为泄漏</translation>
    </message>
    <message>
        <source>CLOSE_WAIT critical at</source>
        <translation>CLOSE_WAIT 达到此数为严重</translation>
    </message>
    <message>
        <source>Descriptors / limit: critical at</source>
        <translation>描述符数 / 上限：达到此比例为严重</translation>
    </message>
    <message>
        <source>Client sockets to one destination, at least</source>
        <translation>通往同一目的地的客户端套接字，至少</translation>
    </message>
    <message>
        <source>Busy ephemeral ports: warning at</source>
        <translation>已占用的临时端口：达到此比例为警告</translation>
    </message>
    <message>
        <source>Busy ephemeral ports: critical at</source>
        <translation>已占用的临时端口：达到此比例为严重</translation>
    </message>
    <message>
        <source>SYN_RECEIVED per listener</source>
        <translation>每个监听套接字的 SYN_RECEIVED</translation>
    </message>
    <message>
        <source>FIN_WAIT_2 toward one peer</source>
        <translation>通往同一对端的 FIN_WAIT_2</translation>
    </message>
    <message>
        <source>Closes retransmitting their FIN</source>
        <translation>重传 FIN 的关闭</translation>
    </message>
    <message>
        <source>Orphans / tcp_max_orphans</source>
        <translation>孤儿套接字 / tcp_max_orphans</translation>
    </message>
    <message>
        <source>SYN_SENT toward one destination</source>
        <translation>通往同一目的地的 SYN_SENT</translation>
    </message>
    <message>
        <source>SYN_SENT oldest at least</source>
        <translation>最老的 SYN_SENT 至少</translation>
    </message>
    <message>
        <source>Retransmissions of ESTABLISHED data</source>
        <translation>ESTABLISHED 数据的重传次数</translation>
    </message>
    <message>
        <source>Send-Q of a peer not reading</source>
        <translation>对端不读取时的 Send-Q</translation>
    </message>
    <message>
        <source>Growth measured over</source>
        <translation>增长的统计时长</translation>
    </message>
    <message>
        <source>%1 (default %2)</source>
        <translation>%1（默认 %2）</translation>
    </message>
    <message>
        <source>Diagnosis thresholds</source>
        <translation>诊断阈值</translation>
    </message>
    <message>
        <source>The same names are taken by &lt;tt&gt;tcpscope-cli diagnose --threshold NAME=VALUE&lt;/tt&gt; (hover a field for its name).</source>
        <translation>&lt;tt&gt;tcpscope-cli diagnose --threshold NAME=VALUE&lt;/tt&gt; 使用相同的名称（鼠标停在输入框上可看到名称）。</translation>
    </message>
    <message>
        <source>Refused connects a minute to one destination</source>
        <translation>每分钟通往同一目的地被拒绝的连接</translation>
    </message>
</context>
<context>
    <name>tcpscope::WindowExport</name>
    <message>
        <source>… and %1 more rows: export the data for all of them</source>
        <translation>… 另有 %1 行：导出数据可得到全部内容</translation>
    </message>
    <message>
        <source>TCP state diagram</source>
        <translation>TCP 状态图</translation>
    </message>
    <message>
        <source>Connections per state over time</source>
        <translation>各状态连接数随时间变化</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>History of the selected connection</source>
        <translation>选中连接的历史</translation>
    </message>
    <message>
        <source>tcpscope</source>
        <translation>tcpscope</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <source>nothing to draw for "%1" here (one of: %2)</source>
        <translation>这里没有可绘制的“%1”（可选：%2）</translation>
    </message>
    <message>
        <source>no connection is selected</source>
        <translation>没有选中连接</translation>
    </message>
    <message>
        <source>no data "%1" here (one of: %2)</source>
        <translation>这里没有数据“%1”（可选：%2）</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 or %2</source>
        <translation>%1 或 %2</translation>
    </message>
    <message>
        <source>History of %1</source>
        <translation>%1 的历史</translation>
    </message>
    <message>
        <source>%1: pictures are written as %2</source>
        <translation>%1：图片只能保存为 %2</translation>
    </message>
    <message>
        <source>%1: data is written as %2</source>
        <translation>%1：数据只能保存为 %2</translation>
    </message>
    <message>
        <source>Segments of %1</source>
        <translation>%1 的报文段</translation>
    </message>
    <message>
        <source>no connection with segments is selected</source>
        <translation>没有选中带有报文段的连接</translation>
    </message>
</context>
</TS>