"""The managed store for Lambda deployments: one DynamoDB item per account.

The adapter talks to DynamoDB through the low-level boto3 client, so every attribute type and
every condition is written out rather than guessed by the resource layer. boto3 is imported
only here, and only when a default client is first needed, so importing the store (or running
locally on SQLite) never loads the AWS SDK.

An item is `user_key` (S, the hashed user id), `data` (S, the document as compact JSON
without its revision), `rev` (N), `updated_ms` (N) and `ttl` (N, epoch seconds: the table's
time-to-live attribute). Numbers are always whole, sent as strings of digits: DynamoDB keeps
them exactly, and no float ever reaches the wire.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.store import REVISION, ConflictError, StorageError
from skill.store.keys import user_key

RETENTION_DAYS = 365
"""Stored state untouched for this long is forgotten (safety.md P3)."""
MAX_ERROR_CHARS = 300
"""AWS messages can be long; a log line needs only the start."""
CONNECT_TIMEOUT = 1
READ_TIMEOUT = 2
MAX_ATTEMPTS = 2
"""The default client gives up fast: Alexa waits 8 s for the whole answer, and a store that
does not answer must cost one turn a few seconds at most, never the exercise. This counts the
first try: botocore's `max_attempts` counts retries only (2 would mean 3 tries), so the client
is configured with `total_max_attempts`."""

_NAMES = {"#k": "user_key", "#d": "data", "#rev": "rev", "#u": "updated_ms", "#ttl": "ttl"}
"""Attribute names go through placeholders: TTL and DATA are DynamoDB reserved words."""


class DynamoDbAdapter(AbstractPersistenceAdapter):
    """Attributes as one DynamoDB item per (hashed) user, with optimistic concurrency.

    `client` is a boto3 DynamoDB client (tests pass one pointed at moto); without one, a
    client for the environment's region is made on first use, so a misconfigured store
    fails a request with `StorageError` instead of stopping the skill from starting.
    `clock` gives epoch seconds, for time-to-live and `updated_ms`.
    """

    def __init__(
        self,
        table_name: str,
        client: Any | None = None,
        retention_days: float = RETENTION_DAYS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.table_name = table_name
        self._client = client
        self._retention = retention_days * 86400
        self._clock = clock
        self._lock = threading.Lock()

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        """The stored document with its revision; `{REVISION: 0}` when nothing live is stored.

        DynamoDB deletes expired items lazily (often days later), so an item past its `ttl`
        is treated as absent here. A document that cannot be read as JSON comes back empty but
        keeps its revision, so the next conditional save replaces it instead of conflicting.
        """
        response = self._call(
            "GetItem",
            Key={"user_key": {"S": user_key(request_envelope)}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        if not item or _expired(item, self._now()):
            return {REVISION: 0}
        return dict(_document(item), **{REVISION: _whole(item, "rev") or 0})

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Writes the document; if it carries `REVISION`, only over that revision.

        With `REVISION` r the item is replaced only if its stored revision is still r (r = 0:
        only if nothing live is stored, so an item deleted by someone else is not brought back
        by a writer that read it before), and stores r + 1; otherwise `ConflictError`. Without
        `REVISION` the document is written whatever is stored, and the revision still grows.
        """
        document = {key: value for key, value in attributes.items() if key != REVISION}
        try:
            data = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise StorageError(f"cannot store the document as JSON: {_shorten(str(exc))}") from exc
        key = {"user_key": {"S": user_key(request_envelope)}}
        now = self._now()
        fields = {
            "data": {"S": data},
            "updated_ms": _n(int(now * 1000)),
            "ttl": _n(int(now + self._retention)),
        }
        if REVISION not in attributes:
            self._call(
                "UpdateItem",
                Key=key,
                UpdateExpression="SET #d = :data, #u = :updated_ms, #ttl = :ttl ADD #rev :one",
                ExpressionAttributeNames={n: _NAMES[n] for n in ("#d", "#u", "#ttl", "#rev")},
                ExpressionAttributeValues={
                    **{f":{name}": value for name, value in fields.items()},
                    ":one": _n(1),
                },
            )
            return
        revision = attributes[REVISION]
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
            raise StorageError(f"{REVISION} must be a whole number of at least 0: {revision!r}")
        if revision == 0:
            condition = "attribute_not_exists(#k) OR #ttl <= :now"
            names = {n: _NAMES[n] for n in ("#k", "#ttl")}
            values = {":now": _n(int(now))}
        else:
            condition = "#rev = :rev"
            names = {"#rev": _NAMES["#rev"]}
            values = {":rev": _n(revision)}
        self._call(
            "PutItem",
            Item={**key, **fields, "rev": _n(revision + 1)},
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Removes the account's item; nothing stored is not an error."""
        self._call("DeleteItem", Key={"user_key": {"S": user_key(request_envelope)}})

    def _now(self) -> float:
        return float(self._clock())

    def _dynamodb(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = default_client()
        return self._client

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        """One DynamoDB request on this table; every fault comes back as `StorageError`."""
        where = f"DynamoDB table {self.table_name!r}: {operation}"
        try:
            method = getattr(self._dynamodb(), _snake(operation))
        except StorageError as exc:
            raise StorageError(f"{where} failed: {exc}") from exc
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response: dict[str, Any] = method(TableName=self.table_name, **request)
        except ClientError as exc:
            details = exc.response.get("Error", {})
            code = str(details.get("Code", "Unknown"))
            message = _shorten(str(details.get("Message", "") or exc))
            if code == "ConditionalCheckFailedException":
                raise ConflictError(
                    f"{where}: the account was saved by someone else since it was read"
                ) from exc
            raise StorageError(f"{where} failed: {code}: {message}") from exc
        except BotoCoreError as exc:
            # No credentials, no region, no connection, a timeout: botocore names each one.
            reason = f"{type(exc).__name__}: {_shorten(str(exc))}"
            raise StorageError(f"{where} failed: {reason}") from exc
        return response


def default_client(**options: Any) -> Any:
    """A DynamoDB client for the environment's region and credentials that gives up fast
    (1 s to connect, 2 s to read, 2 tries in all); `options` go to `boto3.client` (tests point
    `endpoint_url` at moto). Faults, a missing boto3 among them, are `StorageError`."""
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError
    except ImportError as exc:
        raise StorageError("boto3 is not installed: pip install 'steady-ground[aws]'") from exc
    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
    )
    try:
        return boto3.session.Session().client("dynamodb", config=config, **options)
    except BotoCoreError as exc:
        raise StorageError(f"cannot make a DynamoDB client: {type(exc).__name__}: {exc}") from exc


def create_table(client: Any, table_name: str) -> None:
    """Creates the state table (on-demand billing, `user_key` as key, time-to-live on `ttl`),
    for tests and local setup; deployments declare the same table in their template. A table
    that is already there is fine."""
    try:
        client.create_table(
            TableName=table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "user_key", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "user_key", "KeyType": "HASH"}],
        )
    except client.exceptions.ResourceInUseException:
        pass
    else:
        client.get_waiter("table_exists").wait(
            TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
        )
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"},
    )


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def _whole(item: dict[str, Any], name: str) -> int | None:
    """A whole-number attribute, or None when it is missing or not one."""
    try:
        return int(item[name]["N"])
    except (KeyError, TypeError, ValueError):
        return None


def _expired(item: dict[str, Any], now: float) -> bool:
    """The item's time-to-live has passed, by the same whole seconds the conditional save
    compares; an item without one never expires."""
    ttl = _whole(item, "ttl")
    return ttl is not None and ttl <= int(now)


def _document(item: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(item["data"]["S"])
    except (KeyError, TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def _shorten(message: str) -> str:
    if len(message) <= MAX_ERROR_CHARS:
        return message
    return message[: MAX_ERROR_CHARS - 1] + "…"
