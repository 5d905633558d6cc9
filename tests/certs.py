"""Certificates for TLS tests, made with openssl as the docker docs lay them out: a CA, a server
certificate for 127.0.0.1, a client certificate (ca.pem, cert.pem, key.pem in one folder, as
DOCKER_CERT_PATH wants them), and a second, unrelated CA for the refusals."""

from __future__ import annotations

import subprocess
from pathlib import Path


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(folder: Path, name: str = "ca") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            f"/CN={name}", "-keyout", f"{name}-key.pem", "-out", f"{name}.pem", cwd=folder)


def sign(folder: Path, name: str, extensions: str, ca: str = "ca", days: int = 2) -> None:
    """``name``.pem and ``name``-key.pem in ``folder``, signed by ``ca``, with these x509v3
    extensions (e.g. ``subjectAltName=IP:127.0.0.1``); ``days=-1``: expired since yesterday."""
    (folder / f"{name}.cnf").write_text(extensions + "\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
            "-keyout", f"{name}-key.pem", "-out", f"{name}.csr", cwd=folder)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}-key.pem",
            "-CAcreateserial", "-days", str(days), "-extfile", f"{name}.cnf", "-out", f"{name}.pem",
            cwd=folder)


def client_folder(folder: Path, ca_dir: Path, client: str = "client") -> Path:
    """A DOCKER_CERT_PATH: ca.pem (from ``ca_dir``) and this client's cert.pem and key.pem."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.pem").write_bytes((ca_dir / "ca.pem").read_bytes())
    (folder / "cert.pem").write_bytes((ca_dir / f"{client}.pem").read_bytes())
    (folder / "key.pem").write_bytes((ca_dir / f"{client}-key.pem").read_bytes())
    return folder


def make_tls_set(folder: Path) -> Path:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate."""
    make_ca(folder)
    sign(folder, "server", "subjectAltName=IP:127.0.0.1,DNS:localhost")
    sign(folder, "client", "extendedKeyUsage=clientAuth")
    return folder
