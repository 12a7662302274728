"""A cchc client speaking the wire itself (Python standard library only):
ZMTP 3.0 as a DEALER with the NULL mechanism over TCP, two frames per
message (PROTOCOL.md §1.2), and the part of MessagePack the protocol uses.

For tests that must send what the cchc tool never sends (an EVENT to
scoring, a query to the wrong daemon, a reply type as a request) and read
the daemon's answer as it is.
"""
import socket
import struct


# ---- MessagePack (maps, arrays, strings, integers, booleans, nil) -----------------------

def pack(v):
    if v is None:
        return b"\xc0"
    if v is True:
        return b"\xc3"
    if v is False:
        return b"\xc2"
    if isinstance(v, int):
        if 0 <= v < 128:
            return bytes([v])
        if v >= 0:
            return b"\xcf" + struct.pack(">Q", v)
        return b"\xd3" + struct.pack(">q", v)
    if isinstance(v, str):
        b = v.encode()
        if len(b) < 32:
            return bytes([0xa0 | len(b)]) + b
        return b"\xda" + struct.pack(">H", len(b)) + b
    if isinstance(v, (list, tuple)):
        return b"\xdc" + struct.pack(">H", len(v)) + b"".join(pack(x) for x in v)
    if isinstance(v, dict):
        return b"\xde" + struct.pack(">H", len(v)) + b"".join(pack(k) + pack(x)
                                                              for k, x in v.items())
    raise TypeError("cannot pack %r" % (v,))


def unpack(b):
    v, n = _unpack(b, 0)
    if n != len(b):
        raise ValueError("trailing bytes")
    return v


def _unpack(b, i):
    t = b[i]
    i += 1
    if t < 0x80:
        return t, i
    if t >= 0xe0:
        return t - 256, i
    if 0x80 <= t <= 0x8f:
        return _map(b, i, t & 0x0f)
    if 0x90 <= t <= 0x9f:
        return _array(b, i, t & 0x0f)
    if 0xa0 <= t <= 0xbf:
        n = t & 0x1f
        return b[i:i + n].decode(), i + n
    simple = {0xc0: None, 0xc2: False, 0xc3: True}
    if t in simple:
        return simple[t], i
    sized = {0xd9: (">B", 1), 0xda: (">H", 2), 0xdb: (">I", 4)}
    if t in sized:
        fmt, w = sized[t]
        n = struct.unpack_from(fmt, b, i)[0]
        i += w
        return b[i:i + n].decode(), i + n
    ints = {0xcc: ">B", 0xcd: ">H", 0xce: ">I", 0xcf: ">Q", 0xd0: ">b", 0xd1: ">h",
            0xd2: ">i", 0xd3: ">q"}
    if t in ints:
        fmt = ints[t]
        return struct.unpack_from(fmt, b, i)[0], i + struct.calcsize(fmt)
    if t in (0xdc, 0xde):
        n = struct.unpack_from(">H", b, i)[0]
        return (_array if t == 0xdc else _map)(b, i + 2, n)
    if t in (0xdd, 0xdf):
        n = struct.unpack_from(">I", b, i)[0]
        return (_array if t == 0xdd else _map)(b, i + 4, n)
    raise ValueError("type byte 0x%02x" % t)


def _map(b, i, n):
    out = {}
    for _ in range(n):
        k, i = _unpack(b, i)
        out[k], i = _unpack(b, i)
    return out, i


def _array(b, i, n):
    out = []
    for _ in range(n):
        v, i = _unpack(b, i)
        out.append(v)
    return out, i


# ---- ZMTP 3.0, NULL mechanism, DEALER --------------------------------------------------------

HELLO, EVENT, READ, QUERY = 0x01, 0x02, 0x03, 0x04
ACK, RESULT, ERROR, ALERT = 0x81, 0x83, 0x84, 0x85


class Dealer:
    """One DEALER connection to a daemon's ROUTER."""

    def __init__(self, host, port, timeout=10):
        self.s = socket.create_connection((host, port), timeout=timeout)
        greeting = (b"\xff" + b"\x00" * 8 + b"\x7f" + b"\x03\x00" + b"NULL" + b"\x00" * 16 +
                    b"\x00" + b"\x00" * 31)
        self.s.sendall(greeting)
        self._read(64)
        prop = b"\x0bSocket-Type" + struct.pack(">I", 6) + b"DEALER"
        body = b"\x05READY" + prop
        self.s.sendall(b"\x04" + bytes([len(body)]) + body)
        flags, _ = self._frame()
        if not flags & 0x04:
            raise ValueError("no READY command from the daemon")
        self.rid = 0
        self.pending = []  # messages that came before a reply (ALERTs of a watch)

    def _read(self, n):
        out = b""
        while len(out) < n:
            chunk = self.s.recv(n - len(out))
            if not chunk:
                raise ConnectionError("the daemon closed the connection")
            out += chunk
        return out

    def _frame(self):
        flags = self._read(1)[0]
        size = struct.unpack(">Q", self._read(8))[0] if flags & 0x02 else self._read(1)[0]
        return flags, self._read(size)

    def _send_frame(self, data, more):
        flags = 0x01 if more else 0x00
        if len(data) > 255:
            self.s.sendall(bytes([flags | 0x02]) + struct.pack(">Q", len(data)) + data)
        else:
            self.s.sendall(bytes([flags, len(data)]) + data)

    def request(self, mtype, body):
        """Send [header, body] with a fresh rid; return (type, body) of the
        reply that names it (other messages wait for recv())."""
        self.rid += 1
        body = dict(body, rid=self.rid)
        self._send_frame(b"CH\x01" + bytes([mtype]), True)
        self._send_frame(pack(body), False)
        while True:
            t, b = self._message()
            if t in (ACK, RESULT, ERROR) and isinstance(b, dict) and b.get("rid") in (self.rid, 0):
                return t, b
            self.pending.append((t, b))

    def recv(self):
        """The next message (type, body): a waiting one first."""
        return self.pending.pop(0) if self.pending else self._message()

    def _message(self):
        while True:
            frames = []
            while True:
                flags, data = self._frame()
                if flags & 0x04:
                    break  # a command (PING): not a message
                frames.append(data)
                if not flags & 0x01:
                    break
            if len(frames) == 2:
                return frames[0][3], unpack(frames[1])

    def close(self):
        self.s.close()
