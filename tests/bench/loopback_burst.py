#!/usr/bin/env python3
"""A burst of real loopback connections for demos and screenshots of the diagram:
RATE short connections a second for SECONDS, most closed by the client first (TIME_WAIT on the
client side), every fifth closed by the server first, and every twentieth left in CLOSE_WAIT
by a server that never calls close() (they are released at the end).
    tests/bench/loopback_burst.py [RATE] [SECONDS]"""
import socket
import sys
import threading
import time

rate = float(sys.argv[1]) if len(sys.argv) > 1 else 200
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(1024)
port = listener.getsockname()[1]
leaked = []


def serve():
    n = 0
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        n += 1
        conn.recv(16)  # read what the client sent: closing with unread data would send RST
        if n % 20 == 0:
            leaked.append(conn)  # CLOSE_WAIT once the client closes: never closed here
        elif n % 5 == 0:
            conn.close()  # the server closes first: TIME_WAIT lands on the server
        else:
            threading.Timer(0.05, conn.close).start()  # after the client's FIN


threading.Thread(target=serve, daemon=True).start()
print(f"burst on 127.0.0.1:{port}: {rate:.0f} connections/s for {seconds:.0f} s", flush=True)
end = time.time() + seconds
while time.time() < end:
    c = socket.create_connection(("127.0.0.1", port))
    c.send(b"hello")
    threading.Timer(0.02, c.close).start()
    time.sleep(1 / rate)
for conn in leaked:
    conn.close()
listener.close()
