#!/usr/bin/env python3
"""A fault-injecting proxy between rtmanager and a Docker engine, on unix
sockets (docs/reliability.md "Hanging engine"). It listens on LISTEN and
forwards each connection to UPSTREAM, behaving as the mode file says. A
connection takes the mode in force when it opens; when the file changes,
every open connection is closed, so that the client's next request (on a
new connection) meets the new mode. Modes:

  pass          forward both ways
  delay MS      wait MS before forwarding each piece of a request
  blackhole     read requests and never answer (a hung engine)
  reset         forward the request, then send the first half of the
                answer and reset the connection (SO_LINGER 0)
  error500      answer every request 500 with a Docker-style JSON error

  fault_proxy.py LISTEN UPSTREAM MODE_FILE
"""
import os
import socket
import struct
import sys
import threading
import time


def mode(path):
    try:
        with open(path) as f:
            words = f.read().split()
    except OSError:
        words = []
    return words or ["pass"]


def reset(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def pump(source, target, stop, mode_file, words, delay=0.0):
    """Copies bytes from source to target until either side closes or the
    mode changes."""
    source.settimeout(0.2)
    try:
        while not stop.is_set():
            try:
                data = source.recv(65536)
            except socket.timeout:
                if mode(mode_file) != words:
                    break
                continue
            if not data:
                break
            if delay:
                time.sleep(delay)
            target.sendall(data)
    except OSError:
        pass
    stop.set()
    for sock in (source, target):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(client, upstream_path, mode_file):
    words = mode(mode_file)
    first = client.recv(65536)
    if not first:
        client.close()
        return
    kind = words[0]
    if kind == "blackhole":
        # Keep reading (so the client's writes succeed) and answer nothing,
        # until the client gives up or the mode changes.
        client.settimeout(0.2)
        try:
            while True:
                try:
                    if not client.recv(65536):
                        break
                except socket.timeout:
                    if mode(mode_file) != words:
                        break
        except OSError:
            pass
        client.close()
        return
    if kind == "error500":
        body = b'{"message":"fault proxy: injected 500"}'
        client.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        client.close()
        return
    delay = 0.0
    if kind == "delay":
        delay = int(words[1]) / 1000.0 if len(words) > 1 else 1.0
        time.sleep(delay)
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(upstream_path)
        upstream.sendall(first)
    except OSError:
        upstream.close()
        reset(client)
        return
    if kind == "reset":
        upstream.settimeout(30)
        try:
            answer = upstream.recv(65536)
            client.sendall(answer[: max(1, len(answer) // 2)])
        except OSError:
            pass
        upstream.close()
        reset(client)
        return
    stop = threading.Event()
    threading.Thread(target=pump, args=(upstream, client, stop, mode_file, words),
                     daemon=True).start()
    pump(client, upstream, stop, mode_file, words, delay)


def main():
    listen, upstream, mode_file = sys.argv[1:4]
    if os.path.exists(listen):
        os.unlink(listen)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(listen)
    server.listen(128)
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client, upstream, mode_file), daemon=True).start()


if __name__ == "__main__":
    main()
