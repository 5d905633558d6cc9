"""What looks like a secret, and the same text with it masked: one rule for every view and copy.

Pure: no Kivy, nothing logged. Every place that shows or copies a container's environment,
labels, command or anything that may hold a URL goes through here, so a secret is hidden
the same way everywhere until the person taps to see it:

* a variable or label whose **name** looks secret (``DB_PASSWORD``, ``API_TOKEN``,
  ``basicauth.users``, ``…_KEY``, ``…AUTH…``): its whole value becomes :data:`MASK`;
* a value that **looks** secret whatever its name (a password hash such as ``$apr1$…`` or
  ``{SHA}…``): the whole value too;
* a **URL with credentials** anywhere in a text: only the credentials
  (``redis://:••••••••@cache``, ``postgres://u:••••••••@db/x``, ``https://••••••••@host``);
* **command arguments**: ``--password=hunter2`` → ``--password=••••••••``, the word after a
  secret-looking flag (``--token x``), ``NAME=value`` with a secret-looking name.

The mask has a fixed length: it says nothing about the value's length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MASK = "••••••••"

#: Words that, anywhere in a name, mark its value as secret.
SECRET_WORDS = (
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "SIGNATURE",
    "COOKIE",
    "SESSION",
    "SALT",
    "CERT",
)
#: Whole parts of a name (split on ``_ - .``) that mark a secret: DB_PASS, SMTP_PWD, API_PW.
SECRET_PARTS = frozenset({"PASS", "PWD", "PW", "PIN", "DSN", "CREDS"})

#: ``scheme://user:password@`` or ``scheme://token@``.
_URL_CREDENTIALS = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<user>[^/\s:@]*)(?P<password>:[^/\s@]*)?@",
    re.IGNORECASE,
)
#: Password hashes as htpasswd and crypt(3) write them.
_HASH = re.compile(r"\$(?:apr1|2[abxy]|1|5|6|y|argon2(?:id|i|d))\$|\{(?:SHA|SSHA|MD5|CRYPT)\}")
#: ``-x``, ``--name`` or ``--name=value``.
_FLAG = re.compile(r"(?P<dashes>--?)(?P<name>[A-Za-z][\w.-]*)(?P<eq>=(?P<value>.*))?", re.DOTALL)
_SPACE = re.compile(r"(\s+)")


def secret_name(name: str) -> bool:
    """Whether a variable, label or flag name looks like it names a secret."""
    upper = name.upper()
    if any(word in upper for word in SECRET_WORDS):
        return True
    parts = set(re.split(r"[_\-.]", upper))
    return upper != "PWD" and bool(parts & SECRET_PARTS)  # bare PWD: the working directory


def secret_value(value: str) -> bool:
    """Whether a value looks secret whatever its name (credentials in a URL, a hash)."""
    return bool(_HASH.search(value) or _URL_CREDENTIALS.search(value))


def mask_urls(text: str) -> str:
    """``text`` with the credentials of every URL in it masked."""

    def hide(m: re.Match[str]) -> str:
        if m.group("password") is not None:
            return f"{m.group('scheme')}{m.group('user')}:{MASK}@"
        return f"{m.group('scheme')}{MASK}@"

    return _URL_CREDENTIALS.sub(hide, text)


def mask_value(name: str, value: str) -> str:
    """An environment variable's or a label's value as shown until revealed."""
    if secret_name(name) or _HASH.search(value):
        return MASK
    return mask_urls(value)


def mask_args(args: Sequence[str]) -> list[str]:
    """Command arguments as shown until revealed (see the module doc)."""
    out: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next and not arg.startswith("-"):
            out.append(MASK)
            hide_next = False
            continue
        hide_next = False
        flag = _FLAG.fullmatch(arg)
        if flag is not None and secret_name(flag.group("name")):
            if flag.group("eq") is None:
                hide_next = True
                out.append(arg)
            else:
                out.append(f"{flag.group('dashes')}{flag.group('name')}={MASK}")
            continue
        name, sep, _value = arg.partition("=")
        if sep and not arg.startswith("-") and name and secret_name(name):
            out.append(f"{name}={MASK}")
        else:
            out.append(mask_urls(arg))
    return out


def mask_command(text: str) -> str:
    """A command line (one string) as shown until revealed; its spacing is kept."""
    pieces = _SPACE.split(text)
    words = mask_args(pieces[0::2])
    pieces[0::2] = words
    return "".join(pieces)


def is_secret(name: str, value: str = "") -> bool:
    """Whether ``name=value`` holds something masked (errs on the side of masking)."""
    return secret_name(name) or secret_value(value)
