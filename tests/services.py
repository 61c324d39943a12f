"""Whether a local service (Redis, Mosquitto…) answers, so that tests needing it skip with a message otherwise."""

import socket


def port_answers(port, host="127.0.0.1"):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0
