#!/usr/bin/env bash
# The Debian packages as an administrator and a user meet them: build them, lint them,
# install them with apt, capture as a member of the group "tcpscope", be refused with the
# route named as an outsider, reconfigure, read the manual pages, start the window, purge.
#   tests/package/test-deb.sh [DEB-DIR]   (as root; builds the packages unless given DEB-DIR)
# Leaves the machine as it found it: the test users, the packages, the group are removed.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD

if [[ $EUID -ne 0 ]]; then
  echo "SKIP test-deb: needs root (it installs packages and adds users)"
  exit 0
fi
for p in tcpscope tcpscope-cli; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "SKIP test-deb: $p is installed on this machine; the test would replace and purge it"
    exit 0
  fi
done

work=$(mktemp -d /tmp/tcpscope-deb-test.XXXXXX)
chmod 0755 "$work"
in_user=tcpscope-t-in
out_user=tcpscope-t-out
failures=0

cleanup() {
  userdel "$in_user" 2>/dev/null || true
  userdel "$out_user" 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq tcpscope tcpscope-cli >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
check() { # description command...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

debs=${1:-$top/build-deb}
if [[ $# -eq 0 ]]; then # packages of this commit, not of an earlier build
  echo "== building the packages"
  installers/build-deb.sh "$debs"
fi
version=$(sed -n 's/^project(tcpscope VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
gui_deb=$(ls "$debs"/tcpscope_"$version"_*.deb)
cli_deb=$(ls "$debs"/tcpscope-cli_"$version"_*.deb)

echo "== lintian"
check "lintian reports no errors" lintian --fail-on error --info "$gui_deb" "$cli_deb"

echo "== desktop and AppStream files"
dpkg-deb -x "$gui_deb" "$work/gui"
check "desktop-file-validate" desktop-file-validate \
  "$work/gui/usr/share/applications/io.github.tcpscope.tcpscope.desktop"
check "appstreamcli validate" appstreamcli validate --no-net \
  "$work/gui/usr/share/metainfo/io.github.tcpscope.tcpscope.metainfo.xml"
for size in 16 32 48 128 256; do
  check "icon ${size}x${size}" test -s \
    "$work/gui/usr/share/icons/hicolor/${size}x${size}/apps/io.github.tcpscope.tcpscope.png"
done

echo "== apt-get install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$gui_deb" "$cli_deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "apt-get install"; exit 1; }
pass "apt-get install resolved the dependencies"
check "the group tcpscope exists" getent group tcpscope
check "the helper is root:tcpscope 0750" \
  test "$(stat -c '%U:%G %a' /usr/bin/tcpscope-capture)" = "root:tcpscope 750"
caps=$(getcap /usr/bin/tcpscope-capture)
echo "   getcap: $caps"
check "getcap shows cap_net_admin,cap_net_raw" grep -q "cap_net_admin,cap_net_raw=ep" <<<"$caps"
trace_caps=$(getcap /usr/bin/tcpscope-trace)
echo "   getcap: $trace_caps"
check "the trace helper is root:tcpscope 0750" \
  test "$(stat -c '%U:%G %a' /usr/bin/tcpscope-trace)" = "root:tcpscope 750"
check "getcap shows the trace helper's capabilities" \
  grep -q "cap_net_admin,cap_syslog,cap_perfmon,cap_bpf=ep" <<<"$trace_caps"
netns_caps=$(getcap /usr/bin/tcpscope-netns)
echo "   getcap: $netns_caps"
check "the namespace helper is root:tcpscope 0750" \
  test "$(stat -c '%U:%G %a' /usr/bin/tcpscope-netns)" = "root:tcpscope 750"
check "getcap shows the namespace helper's capabilities" \
  grep -q "cap_sys_ptrace,cap_sys_admin=ep" <<<"$netns_caps"

useradd --system --no-create-home --shell /usr/sbin/nologin "$in_user"
useradd --system --no-create-home --shell /usr/sbin/nologin "$out_user"
usermod -aG tcpscope "$in_user"
home=$work/home # the member's files
mkdir "$home"
chown "$in_user" "$home"

# A connection made while the member captures: a listener and a client on loopback.
connect_once() { # port
  python3 - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(1)
cli = socket.create_connection(("127.0.0.1", port)); conn, _ = srv.accept()
cli.sendall(b"hello"); conn.recv(5); cli.close(); conn.close(); srv.close(); time.sleep(0.2)
PY
}

echo "== a member of the group captures"
port=$((20000 + RANDOM % 20000))
runuser -u "$in_user" -- tcpscope-cli capture -i lo -f "tcp port $port" --duration 4 \
  --format json >"$work/capture.json" 2>"$work/capture.err" &
cap_pid=$!
# The helper starts after the command does: connect until the capture ends (a loaded
# machine may take a second or more to open the interface).
while kill -0 "$cap_pid" 2>/dev/null; do
  connect_once "$port"
  sleep 0.3
done
wait "$cap_pid" && rc=0 || rc=$?
check "tcpscope-cli capture as a member exits 0 (rc $rc)" test "$rc" -eq 0
check "the capture saw the test's connection on port $port" grep -q ":$port" "$work/capture.json"
check "the capture saw its handshake" grep -q "ESTABLISHED" "$work/capture.json"
[[ $failures -eq 0 ]] || { head -5 "$work/capture.json" "$work/capture.err"; }

echo "== a user outside the group is told the route"
runuser -u "$out_user" -- tcpscope-cli capture -i lo --duration 1 >/dev/null 2>"$work/out.err" &&
  rc=0 || rc=$?
sed 's/^/   /' "$work/out.err"
check "the outsider's capture fails (rc $rc)" test "$rc" -ne 0
check "the message names the group and usermod" grep -q "usermod -aG tcpscope $out_user" \
  "$work/out.err"
runuser -u "$out_user" -- timeout 3 tcpscope-cli watch --exact >/dev/null \
  2>"$work/trace-out.err" || true
sed 's/^/   /' "$work/trace-out.err"
check "watch --exact names the group and usermod too" \
  grep -q "usermod -aG tcpscope $out_user" "$work/trace-out.err"

echo "== a member of the group looks into another namespace; an outsider is told the route"
ns=tcpscope-deb-$$
ip netns add "$ns" && ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" python3 -c 'import socket,time
s=socket.socket(); s.bind(("127.0.0.1",7070)); s.listen(); time.sleep(8)' &
ns_pid=$!
sleep 1
runuser -u "$in_user" -- tcpscope-cli snapshot --netns "$ns" >"$work/netns.json" \
  2>"$work/netns.err" && rc=0 || rc=$?
check "snapshot --netns as a member exits 0 (rc $rc)" test "$rc" -eq 0
check "it shows the namespace's listener, labelled" \
  grep -q "\"local_port\":7070.*\"netns_label\":\"$ns\"" "$work/netns.json"
runuser -u "$out_user" -- tcpscope-cli snapshot --netns "$ns" >/dev/null \
  2>"$work/netns-out.err" && rc=0 || rc=$?
sed 's/^/   /' "$work/netns-out.err"
check "the outsider's snapshot --netns fails (rc $rc)" test "$rc" -ne 0
check "its message names the group and usermod" \
  grep -q "usermod -aG tcpscope $out_user" "$work/netns-out.err"
kill "$ns_pid" 2>/dev/null || true
ip netns del "$ns"

echo "== manual pages"
for prog in tcpscope tcpscope-cli tcpscope-capture tcpscope-trace tcpscope-netns; do
  check "man -w $prog" man -w "$prog"
done

echo "== the window starts from /usr/bin, in both languages"
for lang in en_US.UTF-8 zh_CN.UTF-8; do
  runuser -u "$in_user" -- env HOME="$home" LANG="$lang" QT_QPA_PLATFORM=offscreen \
    timeout 4 /usr/bin/tcpscope >"$work/gui-$lang.log" 2>&1 && rc=0 || rc=$?
  check "tcpscope ran until stopped ($lang, rc $rc: 124 is the timeout)" test "$rc" -eq 124
done
for lang in en zh; do
  runuser -u "$in_user" -- env HOME="$home" /usr/bin/tcpscope --language "$lang" \
    --export "table=$home/table-$lang.svg" >"$work/export-$lang.log" 2>&1 ||
    { cat "$work/export-$lang.log"; fail "headless export ($lang)"; }
done
check "English table headers" grep -q ">State<" "$home/table-en.svg"
check "Chinese table headers (translations inside the binary)" grep -q ">状态<" \
  "$home/table-zh.svg"

echo "== dpkg-reconfigure changes the answer"
echo "tcpscope-cli tcpscope/capture-for-group boolean false" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive dpkg-reconfigure tcpscope-cli
check "answer no: no capabilities" test -z "$(getcap /usr/bin/tcpscope-capture)"
check "answer no: root:root 0755" \
  test "$(stat -c '%U:%G %a' /usr/bin/tcpscope-capture)" = "root:root 755"
runuser -u "$in_user" -- tcpscope-cli capture -i lo --duration 1 >/dev/null 2>"$work/no.err" &&
  rc=0 || rc=$?
check "capture refused when off (rc $rc)" test "$rc" -ne 0
check "the message names dpkg-reconfigure" grep -q "dpkg-reconfigure tcpscope-cli" "$work/no.err"
echo "tcpscope-cli tcpscope/capture-for-group boolean true" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive dpkg-reconfigure tcpscope
check "dpkg-reconfigure tcpscope: capabilities back" grep -q "cap_net_admin,cap_net_raw=ep" \
  <<<"$(getcap /usr/bin/tcpscope-capture)"

echo "== purge leaves nothing behind"
userdel "$in_user"
userdel "$out_user"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq tcpscope tcpscope-cli >/dev/null
check "the group is gone" bash -c '! getent group tcpscope'
check "the programs are gone" bash -c '! ls /usr/bin/tcpscope* 2>/dev/null'
check "/usr/lib/tcpscope is gone" test ! -e /usr/lib/tcpscope
check "no stat override left" bash -c '! dpkg-statoverride --list | grep -q tcpscope'
check "no debconf answer left" bash -c '[ -z "$(debconf-show tcpscope-cli 2>/dev/null)" ]'

echo "== test-deb: $failures failure(s)"
[[ $failures -eq 0 ]]
