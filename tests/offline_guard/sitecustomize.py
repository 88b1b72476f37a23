"""Loaded by any Python started with this folder on PYTHONPATH: refuses every outbound network
connection (anything but loopback and Unix sockets) and records the attempt, so a test can
prove that a command sent nothing off the machine."""
import os
import socket

_LOG = os.environ.get("ANALYSER_NETWORK_LOG")
_LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0")


def _blocked(address) -> bool:
    if isinstance(address, (str, bytes)):  # Unix socket path
        return False
    host = str(address[0]) if address else ""
    return not host.startswith(_LOOPBACK)


def _guard(original):
    def connect(self, address, *args, **kwargs):
        if self.family in (socket.AF_INET, socket.AF_INET6) and _blocked(address):
            if _LOG:
                with open(_LOG, "a", encoding="utf-8") as fh:
                    fh.write(f"{os.getpid()} {address!r}\n")
            raise ConnectionRefusedError(f"network blocked by the offline test guard: {address!r}")
        return original(self, address, *args, **kwargs)
    return connect


def _guard_send(original):
    """UDP needs no connect: sendto names its peer on each datagram."""
    def sendto(self, data, *args):
        address = args[-1]
        if self.family in (socket.AF_INET, socket.AF_INET6) and _blocked(address):
            _record(repr(address))
            raise ConnectionRefusedError(f"network blocked by the offline test guard: {address!r}")
        return original(self, data, *args)
    return sendto


def _record(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {what}\n")


socket.socket.connect = _guard(socket.socket.connect)
socket.socket.connect_ex = _guard(socket.socket.connect_ex)
socket.socket.sendto = _guard_send(socket.socket.sendto)
_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    if host and not str(host).startswith(_LOOPBACK) and host not in ("localhost",):
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} dns {host!r}\n")
        raise socket.gaierror(f"name resolution blocked by the offline test guard: {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = getaddrinfo


def _guard_name(original, kind: str):
    """The older resolver calls (gethostbyname and friends) bypass getaddrinfo."""
    def lookup(host, *args, **kwargs):
        if host and not str(host).startswith(_LOOPBACK) and host not in ("localhost", socket.gethostname()):
            _record(f"dns {host!r} ({kind})")
            raise socket.gaierror(f"name resolution blocked by the offline test guard: {host!r}")
        return original(host, *args, **kwargs)
    return lookup


for _name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    setattr(socket, _name, _guard_name(getattr(socket, _name), _name))
