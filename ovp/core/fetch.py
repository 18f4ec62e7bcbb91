"""Fetching a file the office named by URL (a city's open-data export), without letting the
URL reach inside the city's network.

Only http and https, to hosts whose every address is public: loopback, private, link-local
(cloud metadata at 169.254.169.254 among them), shared, reserved and multicast addresses are
refused. The check is made when the URL is saved and again at every fetch and at every
redirect, on the addresses the name resolves to then; the connection goes to the address
that was checked (a second lookup could answer otherwise), with the host's name kept for
the Host header and for checking its TLS certificate.
"""

import http.client
import ipaddress
import socket
import ssl
import tempfile
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

from django.core.exceptions import ValidationError

MAX_REDIRECTS = 5
CHUNK = 1024 * 1024
IN_MEMORY = 8 * 1024 * 1024  # a fetched body past this goes to a temporary file
REDIRECTS = (301, 302, 303, 307, 308)
PORTS = (80, 443)  # a city's open-data site is on the web's ports; others are services
# IPv6 blocks that carry an IPv4 address to a gateway (NAT64, 6to4, Teredo): through one, a
# public-looking address reaches whatever IPv4 address it embeds, a private one included
TUNNELS = [ipaddress.ip_network(block) for block in
           ("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32")]  # fmt: skip


def is_public(address: str) -> bool:
    """An address on the public internet (not this machine's, a private network's, a
    link-local, shared, reserved, multicast or tunnelling one)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip.is_site_local or any(ip in block for block in TUNNELS):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (an address resolves to itself)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(entry[4][0]) for entry in found))


def checked_address(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) of a URL that may be fetched; a
    ValidationError saying why not otherwise. Every address the host resolves to must be
    public, so that no answer of a later lookup can turn it inward."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Give an http:// or https:// address of a file on the internet.")
    if parts.username or parts.password:
        raise ValidationError("Give the address without a user name or password in it.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise ValidationError("The address has a port that is not a number.") from error
    if port not in PORTS:
        raise ValidationError("Give an address on the web's usual ports (80 or 443).")
    try:
        addresses = resolve(parts.hostname, port)
    except OSError as error:
        raise ValidationError(f"{parts.hostname} cannot be found.") from error
    if not addresses or not all(is_public(address) for address in addresses):
        raise ValidationError(
            f"{parts.hostname} is not an address on the public internet: the portal only "
            "fetches files published there."
        )
    return scheme, parts.hostname, port, addresses[0]


def validate_public_url(url: str) -> None:
    """A model and form validator: the URL may be fetched (see `checked_address`)."""
    if url:
        checked_address(url)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        # the certificate must be the host's, by name
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _spooled(response: Any, max_bytes: int) -> IO[bytes] | None:
    """The response's body in a temporary file; None (and nothing kept) past max_bytes."""
    body = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (returned open)
    size = 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            body.close()
            return None
        body.write(chunk)
    body.seek(0)
    return body


def fetch(url: str, *, max_bytes: int, timeout: float = 300) -> IO[bytes]:
    """The body of a GET of a public http(s) URL, in a temporary file (on disk past a few
    megabytes, not in memory), read from its start; following at most MAX_REDIRECTS
    redirects, each checked as the first. A ValidationError says what went wrong, never what
    came back: a response is not the office's to show until it is known to be the file."""
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, address = checked_address(url)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection: Any = kind(host, port, address, timeout)
        try:
            connection.request("GET", path, headers={"User-Agent": "OVP portal"})
            response = connection.getresponse()
            if response.status in REDIRECTS and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status != 200:
                raise ValidationError(f"{host} answered with status {response.status}.")
            body = _spooled(response, max_bytes)
        except OSError as error:  # the network's own words (refused, timed out, certificate)
            raise ValidationError(f"Cannot download from {host}: {error}") from error
        except http.client.HTTPException as error:  # its words may quote what came back
            raise ValidationError(
                f"{host} did not answer in HTTP ({type(error).__name__})."
            ) from error
        finally:
            connection.close()
        if body is None:
            raise ValidationError(f"The file at {host} is larger than {max_bytes:,} bytes.")
        return body
    raise ValidationError(f"The address redirects more than {MAX_REDIRECTS} times.")
