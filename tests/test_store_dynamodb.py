"""The DynamoDB store, against moto's server over real HTTP: AWS cannot be reached from here,
so moto stands in for DynamoDB (conditions, errors and all). moto never throttles and always
answers, so throttling and timeouts are played by small real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from skill.alexa.app import build_skill
from skill.settings import Settings
from skill.store import REVISION, ConflictError, StorageError
from skill.store.dynamodb import DynamoDbAdapter, create_table, default_client
from skill.store.keys import user_key
from skill.tools.nlu import Matcher
from tests.aws import aws_client
from tests.conftest import make_simulator

REPO = Path(__file__).resolve().parent.parent
DAY = 86400
NOW = 1_800_000_000.0
"""A fixed clock for the tests that move time (2027-01-15)."""


def envelope(user_id: str) -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


@pytest.fixture
def client(moto_endpoint: str) -> Any:
    return aws_client("dynamodb", moto_endpoint)


@pytest.fixture
def table(client: Any) -> Iterator[str]:
    """A table of this test's own, so tests never see each other's items."""
    name = f"steady-{uuid.uuid4().hex}"
    create_table(client, name)
    yield name
    client.delete_table(TableName=name)


def items(client: Any, table: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.scan(TableName=table, ConsistentRead=True)["Items"]
    return found


def test_a_saved_document_reads_back_with_its_revision(client: Any, table: str) -> None:
    doc = {"first_visit_done": True, "preferences": {"pace": 1.5}, "name": "Zoë"}
    DynamoDbAdapter(table, client).save_attributes(envelope("alice"), doc)
    again = DynamoDbAdapter(table, client).get_attributes(envelope("alice"))
    assert again == {**doc, REVISION: 1}


def test_nothing_stored_reads_as_revision_zero(client: Any, table: str) -> None:
    assert DynamoDbAdapter(table, client).get_attributes(envelope("nobody")) == {REVISION: 0}


def test_only_hashed_ids_and_whole_numbers_are_stored(client: Any, table: str) -> None:
    before = time.time()
    adapter = DynamoDbAdapter(table, client)
    adapter.save_attributes(envelope("amzn1.ask.account.SECRET"), {"pace": 0.75})
    adapter.save_attributes(envelope("amzn1.ask.account.SECRET"), {"pace": 0.5, REVISION: 1})
    [item] = items(client, table)
    assert "SECRET" not in json.dumps(item)
    assert item["user_key"] == {"S": user_key(envelope("amzn1.ask.account.SECRET"))}
    assert set(item) == {"user_key", "data", "rev", "updated_ms", "ttl"}
    assert json.loads(item["data"]["S"]) == {"pace": 0.5}
    numbers = {name: item[name]["N"] for name in ("rev", "updated_ms", "ttl")}
    assert all(value.isdigit() for value in numbers.values()), numbers
    assert int(numbers["rev"]) == 2
    assert before * 1000 - 1 <= int(numbers["updated_ms"]) <= time.time() * 1000 + 1
    assert abs(int(numbers["ttl"]) - (time.time() + 365 * DAY)) < 60


def test_delete_forgets_the_account(client: Any, table: str) -> None:
    adapter = DynamoDbAdapter(table, client)
    adapter.save_attributes(envelope("carol"), {"first_visit_done": True})
    adapter.save_attributes(envelope("other"), {"first_visit_done": True})
    adapter.delete_attributes(envelope("carol"))
    adapter.delete_attributes(envelope("never-stored"))
    assert adapter.get_attributes(envelope("carol")) == {REVISION: 0}
    assert [i["user_key"]["S"] for i in items(client, table)] == [user_key(envelope("other"))]


def test_an_item_past_its_ttl_reads_as_nothing_stored(client: Any, table: str) -> None:
    """DynamoDB removes expired items days late, so the adapter must not serve them."""
    clock = [NOW]
    adapter = DynamoDbAdapter(table, client, retention_days=30, clock=lambda: clock[0])
    adapter.save_attributes(envelope("old"), {"first_visit_done": True})
    clock[0] = NOW + 29 * DAY
    assert adapter.get_attributes(envelope("old")) == {"first_visit_done": True, REVISION: 1}
    clock[0] = NOW + 31 * DAY
    assert adapter.get_attributes(envelope("old")) == {REVISION: 0}
    adapter.save_attributes(envelope("old"), {"fresh": True, REVISION: 0})
    assert adapter.get_attributes(envelope("old")) == {"fresh": True, REVISION: 1}


def test_each_save_increments_the_revision(client: Any, table: str) -> None:
    adapter = DynamoDbAdapter(table, client)
    doc = adapter.get_attributes(envelope("dana"))
    for expected in (1, 2, 3):
        doc["count"] = expected
        adapter.save_attributes(envelope("dana"), doc)
        doc = adapter.get_attributes(envelope("dana"))
        assert doc == {"count": expected, REVISION: expected}


def test_a_stale_revision_conflicts_and_keeps_the_stored_document(client: Any, table: str) -> None:
    adapter = DynamoDbAdapter(table, client)
    adapter.save_attributes(envelope("erin"), {"v": "first", REVISION: 0})
    stale = adapter.get_attributes(envelope("erin"))
    adapter.save_attributes(envelope("erin"), {**stale, "v": "second"})
    mine = {**stale, "v": "mine"}
    with pytest.raises(ConflictError, match="saved by someone else since it was read"):
        adapter.save_attributes(envelope("erin"), mine)
    assert mine == {"v": "mine", REVISION: 1}, "the caller's dict is never changed"
    assert adapter.get_attributes(envelope("erin")) == {"v": "second", REVISION: 2}


def test_a_creation_conflicts_with_an_item_already_there(client: Any, table: str) -> None:
    adapter = DynamoDbAdapter(table, client)
    adapter.save_attributes(envelope("fay"), {"v": 1})
    with pytest.raises(ConflictError):
        adapter.save_attributes(envelope("fay"), {"v": 2, REVISION: 0})


def test_a_stale_writer_does_not_bring_back_a_deleted_account(client: Any, table: str) -> None:
    adapter = DynamoDbAdapter(table, client)
    adapter.save_attributes(envelope("gil"), {"v": 1})
    stale = adapter.get_attributes(envelope("gil"))
    adapter.delete_attributes(envelope("gil"))
    with pytest.raises(ConflictError):
        adapter.save_attributes(envelope("gil"), stale)
    assert items(client, table) == []


@pytest.mark.parametrize("stored", [False, True], ids=["new-account", "stored-account"])
def test_two_writers_on_one_revision_exactly_one_wins(
    moto_endpoint: str, client: Any, table: str, stored: bool
) -> None:
    if stored:
        DynamoDbAdapter(table, client).save_attributes(envelope("hal"), {"writer": "setup"})
    writers = [DynamoDbAdapter(table, aws_client("dynamodb", moto_endpoint)) for _ in range(2)]
    read = [writer.get_attributes(envelope("hal")) for writer in writers]
    assert read[0] == read[1]
    start = threading.Barrier(2)
    outcomes: list[str] = ["", ""]

    def write(index: int) -> None:
        start.wait()
        try:
            writers[index].save_attributes(envelope("hal"), {**read[index], "writer": index})
            outcomes[index] = "won"
        except ConflictError:
            outcomes[index] = "conflict"

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes) == ["conflict", "won"]
    winner = outcomes.index("won")
    stored_doc = writers[1 - winner].get_attributes(envelope("hal"))
    assert stored_doc == {"writer": winner, REVISION: read[0][REVISION] + 1}


def test_a_save_without_revision_always_writes(client: Any, table: str) -> None:
    first, second = DynamoDbAdapter(table, client), DynamoDbAdapter(table, client)
    first.save_attributes(envelope("ivy"), {"v": 1, REVISION: 0})
    second.save_attributes(envelope("ivy"), {"v": 2, REVISION: 1})
    first.save_attributes(envelope("ivy"), {"v": 3})
    assert second.get_attributes(envelope("ivy")) == {"v": 3, REVISION: 3}


def test_a_document_that_is_not_json_reads_empty_and_can_be_replaced(
    client: Any, table: str
) -> None:
    key = user_key(envelope("jo"))
    client.put_item(
        TableName=table,
        Item={"user_key": {"S": key}, "data": {"S": "{not json"}, "rev": {"N": "4"}},
    )
    adapter = DynamoDbAdapter(table, client)
    doc = adapter.get_attributes(envelope("jo"))
    assert doc == {REVISION: 4}
    adapter.save_attributes(envelope("jo"), {**doc, "v": 1})
    assert adapter.get_attributes(envelope("jo")) == {"v": 1, REVISION: 5}


def test_a_document_that_json_cannot_hold_is_a_storage_error(client: Any, table: str) -> None:
    with pytest.raises(StorageError, match="JSON"):
        DynamoDbAdapter(table, client).save_attributes(envelope("kim"), {"when": object()})


def test_a_missing_table_is_a_storage_error_naming_it(client: Any) -> None:
    adapter = DynamoDbAdapter("no-such-table", client)
    for call in (
        lambda: adapter.get_attributes(envelope("lee")),
        lambda: adapter.save_attributes(envelope("lee"), {"v": 1}),
        lambda: adapter.save_attributes(envelope("lee"), {"v": 1, REVISION: 3}),
        lambda: adapter.delete_attributes(envelope("lee")),
    ):
        with pytest.raises(StorageError) as caught:
            call()
        assert not isinstance(caught.value, ConflictError)
        assert "no-such-table" in str(caught.value)
        assert "ResourceNotFoundException" in str(caught.value)


def local_client(endpoint: str, **config: Any) -> Any:
    """The adapter's own default client, pointed at a local endpoint."""
    return default_client(
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        **config,
    )


def test_the_default_client_gives_up_fast() -> None:
    config = local_client("http://127.0.0.1:9").meta.config
    assert (config.connect_timeout, config.read_timeout) == (1, 2)
    assert config.retries == {"total_max_attempts": 2, "mode": "standard"}


def test_a_closed_port_is_a_storage_error_quickly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = DynamoDbAdapter("state", local_client(f"http://127.0.0.1:{port}"))
    started = time.monotonic()
    with pytest.raises(StorageError, match="EndpointConnectionError") as caught:
        adapter.get_attributes(envelope("max"))
    assert time.monotonic() - started < 3
    assert "'state'" in str(caught.value)


def aws_error_server(code: str, message: str) -> Callable[[], Iterator[str]]:
    """A fixture factory: a local server answering every POST as DynamoDB does an error."""

    def serve() -> Iterator[str]:
        class Refusing(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.dumps(
                    {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}
                ).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("x-amzn-ErrorType", f"{code}:")
                self.send_header("x-amzn-RequestId", "TEST")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = HTTPServer(("127.0.0.1", 0), Refusing)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()
        server.server_close()
        thread.join(5)

    return serve


throttling = pytest.fixture(
    aws_error_server(
        "ProvisionedThroughputExceededException",
        "Rate of requests exceeds the allowed throughput.",
    )
)
rambling = pytest.fixture(aws_error_server("ValidationException", "too long " * 1000))


def test_throttling_is_a_storage_error_naming_it(throttling: str) -> None:
    client = aws_client("dynamodb", throttling, retries={"total_max_attempts": 1})
    adapter = DynamoDbAdapter("busy", client)
    with pytest.raises(StorageError, match="ProvisionedThroughputExceededException") as caught:
        adapter.save_attributes(envelope("ned"), {"v": 1, REVISION: 0})
    assert not isinstance(caught.value, ConflictError)
    assert "'busy'" in str(caught.value)


def test_a_long_aws_message_is_cut(rambling: str) -> None:
    client = aws_client("dynamodb", rambling, retries={"total_max_attempts": 1})
    with pytest.raises(StorageError, match="ValidationException") as caught:
        DynamoDbAdapter("state", client).get_attributes(envelope("oli"))
    assert len(str(caught.value)) < 400


def test_a_store_that_never_answers_is_a_storage_error_within_seconds() -> None:
    # A listening socket that is never accepted: the kernel completes the connection, and
    # nothing ever answers the request.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = aws_client("dynamodb", endpoint, read_timeout=1, retries={"total_max_attempts": 1})
        started = time.monotonic()
        with pytest.raises(StorageError, match="ReadTimeoutError"):
            DynamoDbAdapter("state", client).get_attributes(envelope("pat"))
        assert time.monotonic() - started < 3


def test_no_credentials_or_no_region_is_a_storage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(StorageError, match=r"'state'.*NoRegionError"):
        DynamoDbAdapter("state").get_attributes(envelope("quin"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with pytest.raises(StorageError, match=r"'state'.*NoCredentialsError"):
        DynamoDbAdapter("state").get_attributes(envelope("quin"))


def test_importing_the_adapter_does_not_load_the_aws_sdk() -> None:
    """Only the first request made without a client given loads boto3."""
    code = (
        "import sys; from skill.store.dynamodb import DynamoDbAdapter; DynamoDbAdapter('t'); "
        "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"


def test_the_skill_keeps_its_state_in_dynamodb(
    client: Any, table: str, matcher: Matcher, tmp_path: Path
) -> None:
    settings = Settings(db_path=tmp_path / "unused.sqlite3")
    skill = build_skill(settings, adapter=DynamoDbAdapter(table, client))
    simulator = make_simulator(skill, matcher)
    assert "not a therapist" in simulator.say("open steady ground").text
    assert "Breathe in" in simulator.say("start box breathing").text
    simulator.say("stop")
    assert "not a therapist" not in simulator.say("open steady ground").text
    [item] = items(client, table)
    assert json.loads(item["data"]["S"])["first_visit_done"] is True
    assert not (tmp_path / "unused.sqlite3").exists()
