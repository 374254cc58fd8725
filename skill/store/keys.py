"""Keys that stored state is filed under, and the ids in logs: keyed hashes of Amazon's ids.

A key is the HMAC-SHA256 of the user id under the deployment's secret (P2, P3): the raw id is
never stored or logged, and without the secret a key cannot be recomputed from an id. Earlier
versions filed state under a plain SHA-256 of the id (`IdKeys(None)`, still what the adapters
use on their own); `Rekeyed` gives an adapter the keyed scheme and moves a document filed the
old way to its keyed place the first time it is read.

The adapters call `user_key(envelope)`; which scheme it uses is the one `Rekeyed` set for the
call (a context variable), so every adapter keys the same way without knowing the secret.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import stat
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import field
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.record import record
from skill.store import REVISION, ConflictError, StorageError

log = logging.getLogger("steady.store")

KEY_CHARS = 32
"""Hex digits of a stored key (128 bits)."""
SECRET_SUFFIX = ".id-secret"
"""The embedded store's secret is kept in `<database file name>.id-secret`."""
MIN_SECRET_CHARS = 32
REMEMBERED = 4096
"""Digests an `IdKeys` keeps at most."""


@record
class IdKeys:
    """How ids are hashed: HMAC-SHA256 under `secret`, or (None) the plain SHA-256 of old."""

    secret: bytes | None = field(default=None, repr=False)
    _known: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Digests worked out lately, by text: a session's turns hash the same ids again and again
    (in this process's memory only, and at most `REMEMBERED` of them)."""

    def user(self, user_id: str) -> str:
        """The key a user's state is filed under."""
        return self._digest(user_id)[:KEY_CHARS]

    def person(self, user_id: str, person: str) -> str:
        """A short tag for one person of an account in the logs: never their name (P2)."""
        return self._digest(f"{user_id}\x1f{person}")[:12]

    def _digest(self, text: str) -> str:
        found = self._known.get(text)
        if found is None:
            if self.secret is None:
                found = hashlib.sha256(text.encode()).hexdigest()
            else:
                found = hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()
            if len(self._known) >= REMEMBERED:
                self._known.clear()  # simpler than an LRU, and a refill costs one hash each
            self._known[text] = found
        return found


PLAIN = IdKeys(None)
"""The unkeyed scheme of earlier versions."""
_scheme: ContextVar[IdKeys] = ContextVar("steady_id_keys", default=PLAIN)


def user_id(envelope: RequestEnvelope) -> str:
    """Amazon's id of the user of a request ("" when it carries none). Never store or log it."""
    system = envelope.context.system if envelope.context else None
    if system is not None and system.user is not None:
        return system.user.user_id or ""
    if envelope.session is not None and envelope.session.user is not None:
        return envelope.session.user.user_id or ""
    return ""


def user_key(envelope: RequestEnvelope) -> str:
    """The key the user of a request is filed under, in the scheme of the current call."""
    return _scheme.get().user(user_id(envelope))


@contextlib.contextmanager
def keyed_by(keys: IdKeys) -> Iterator[None]:
    """Within the block, `user_key` hashes with `keys` (in this thread only)."""
    token = _scheme.set(keys)
    try:
        yield
    finally:
        _scheme.reset(token)


class Rekeyed(AbstractPersistenceAdapter):
    """An adapter whose documents are filed under keyed hashes; a document still filed under
    the plain hash of old is moved on its first read, and deleted from both places.

    With a secret file instead of keys, the secret is read (or made) at once and, if that
    fails, again on each use: until it is there, every call is a `StorageError`, which never
    stops an exercise (skill.alexa.persist)."""

    def __init__(
        self,
        adapter: AbstractPersistenceAdapter,
        keys: IdKeys | None = None,
        secret: Path | None = None,
    ) -> None:
        self.adapter = adapter
        self._keys = keys
        self._secret = secret
        self.known_keys()

    def known_keys(self) -> IdKeys | None:
        """The keys, or None while the secret file can be neither read nor made."""
        if self._keys is None and self._secret is not None:
            try:
                self._keys = IdKeys(read_or_make_secret(self._secret))
            except (OSError, StorageError) as error:
                log.warning("the id secret %s is unavailable: %s", self._secret, error)
        return self._keys

    @property
    def keys(self) -> IdKeys:
        found = self.known_keys()
        if found is None:
            raise StorageError(f"the id secret {self._secret} can be neither read nor made")
        return found

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        keys = self.keys
        with keyed_by(keys):
            found: dict[str, Any] = self.adapter.get_attributes(request_envelope)
        if _holds(found) or keys == PLAIN:
            return found
        with keyed_by(PLAIN):
            old: dict[str, Any] = self.adapter.get_attributes(request_envelope)
        if not _holds(old):
            return found
        return self._move(request_envelope, {k: v for k, v in old.items() if k != REVISION})

    def _move(self, envelope: RequestEnvelope, document: dict[str, Any]) -> dict[str, Any]:
        with keyed_by(self.keys), contextlib.suppress(ConflictError):
            # Only if nothing is filed under the new key yet: another process may have just
            # moved it, and then its copy is the one to read.
            self.adapter.save_attributes(envelope, {**document, REVISION: 0})
        try:
            with keyed_by(PLAIN):
                self.adapter.delete_attributes(envelope)
        except StorageError as error:
            log.warning("moved state left a copy under its old key: %s", type(error).__name__)
        log.info("state moved from a plain hash to a keyed one")
        with keyed_by(self.keys):
            moved: dict[str, Any] = self.adapter.get_attributes(envelope)
        return moved

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        with keyed_by(self.keys):
            self.adapter.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        with keyed_by(self.keys):
            self.adapter.delete_attributes(request_envelope)
        if self.keys != PLAIN:
            with keyed_by(PLAIN):
                self.adapter.delete_attributes(request_envelope)


def _holds(document: dict[str, Any]) -> bool:
    """Whether a document read holds anything (rows from before revisions are at revision 0)."""
    return any(key != REVISION for key in document)


def keys_of(adapter: object) -> IdKeys | None:
    """The scheme an adapter files documents under: the plain one unless it is `Rekeyed`,
    None while its secret is unavailable."""
    return adapter.known_keys() if isinstance(adapter, Rekeyed) else PLAIN


def secret_file(db_path: Path) -> Path:
    """Where the embedded store keeps its secret: beside the database file."""
    return db_path.with_name(db_path.name + SECRET_SUFFIX)


def read_or_make_secret(path: Path) -> bytes:
    """The secret in `path`: made on first use (readable by its owner only, 0600), then read
    back by every later start and every other process sharing the database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + 2.0
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            text = path.read_text(encoding="ascii", errors="replace").strip()
            if len(text) >= MIN_SECRET_CHARS:
                _owner_only(path)
                return text.encode()
            if text or time.monotonic() > deadline:  # not one of ours, or never finished
                raise StorageError(f"{path} holds no secret: remove it to make a new one") from None
            time.sleep(0.02)  # another process is writing it
            continue
        import secrets  # only when a secret is made, once per installation

        made = secrets.token_hex(32)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(made + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(path, 0o600)
        return made.encode()


def _owner_only(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by others (%o): made it 0600", path, mode)
        path.chmod(0o600)
