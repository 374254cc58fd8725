"""template.yaml, the AWS SAM template, checked offline against the code it deploys.

AWS cannot be reached from here, so the template is linted with cfn-lint (which checks SAM's
own resource types against its bundled schemas), transformed to plain CloudFormation with
aws-sam-translator as `sam deploy` would, and the result linted again (only there are bad
references and architectures caught). The assertions compare what it creates with what the
code uses: the table with `create_table`, the TTL attribute with what the adapter writes, the
IAM actions with the calls the adapters make, the environment with what `Settings` reads.
"""

from __future__ import annotations

import ast
import json
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from ask_sdk_model import RequestEnvelope, Session, User

from skill.alexa.app import local_tracks
from skill.audio import s3_tracks
from skill.audio.s3_tracks import S3Tracks
from skill.audio.upload import parse_s3_url
from skill.settings import Settings, audio_url
from skill.store import REVISION, dynamodb
from skill.store.dynamodb import DynamoDbAdapter, create_table
from tests.conftest import REPO

TEMPLATE = REPO / "template.yaml"
ARTIFACTS = "s3://steady-artifacts/skill/lambda.zip"
"""`sam deploy` uploads the code and puts its S3 address in CodeUri; the translator needs one."""
SKILL_ID = "amzn1.ask.skill.00000000-1111-2222-3333-444444444444"
S3_ACTIONS = {"get_object": "s3:GetObject", "head_object": "s3:GetObject"}
"""The IAM action each S3 call needs (HEAD is authorised as GetObject)."""


def sam_template() -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    parsed: dict[str, Any] = yaml_parse(TEMPLATE.read_text(encoding="utf-8"))
    return parsed


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    """The template as CloudFormation, after SAM's transform (no AWS call: policy templates are
    not used, so the managed-policy loader is a stub)."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    template = sam_template()
    template["Resources"]["SkillFunction"]["Properties"]["CodeUri"] = ARTIFACTS
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the transform refuses to run without
        result: dict[str, Any] = transform(template, {}, NoManagedPolicies())
    return result


def lint(path: Path) -> list[str]:
    """cfn-lint's findings on a template file, informational ones included."""
    from cfnlint.api import ManualArgs, lint_file

    matches = lint_file(path, ManualArgs(include_checks=["I"], regions=["us-east-1"]))
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches]


def test_cfn_lint_finds_nothing_in_the_template() -> None:
    assert lint(TEMPLATE) == []


def test_cfn_lint_finds_nothing_in_the_transformed_template(
    translated: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "transformed.json"
    path.write_text(json.dumps(translated), encoding="utf-8")
    assert lint(path) == []


def test_the_function_runs_the_lambda_handler_on_arm64(translated: dict[str, Any]) -> None:
    function = translated["Resources"]["SkillFunction"]
    assert function["Type"] == "AWS::Lambda::Function"
    properties = function["Properties"]
    assert properties["Handler"] == "skill.lambda_function.handler"
    from skill import lambda_function

    assert callable(lambda_function.handler)
    assert properties["Runtime"] in {"python3.12", "python3.13"}
    assert properties["Architectures"] == ["arm64"]
    assert properties["Code"] == {"S3Bucket": "steady-artifacts", "S3Key": "skill/lambda.zip"}
    assert properties["Timeout"] <= 10  # Alexa gives up after 8 s
    assert properties["LoggingConfig"] == {"LogGroup": {"Ref": "SkillLogGroup"}}
    logs = translated["Resources"]["SkillLogGroup"]
    assert logs["Type"] == "AWS::Logs::LogGroup"
    assert logs["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_only_the_configured_skill_may_invoke_the_function(translated: dict[str, Any]) -> None:
    permission = translated["Resources"]["SkillFunctionAlexaPermission"]
    assert permission["Type"] == "AWS::Lambda::Permission"
    assert permission["Properties"] == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Ref": "SkillFunctionAliaslive"},
        "Principal": "alexa-appkit.amazon.com",
        "EventSourceToken": {"Ref": "SkillId"},
    }
    parameter = translated["Parameters"]["SkillId"]
    assert "Default" not in parameter  # no deployment without the skill's own id
    assert re.fullmatch(parameter["AllowedPattern"], SKILL_ID)


def test_alexa_calls_a_published_version_which_snapstart_can_start_from_a_snapshot(
    translated: dict[str, Any],
) -> None:
    """The endpoint is the live alias of a published version (SnapStart applies to nothing
    else); SnapStart is on only when the SnapStart parameter says so, since it is charged."""
    resources = translated["Resources"]
    alias = resources["SkillFunctionAliaslive"]
    assert alias["Type"] == "AWS::Lambda::Alias"
    version = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    assert resources[version]["Type"] == "AWS::Lambda::Version"
    assert translated["Outputs"]["SkillFunctionArn"]["Value"] == {"Ref": "SkillFunctionAliaslive"}
    apply_on = resources["SkillFunction"]["Properties"]["SnapStart"]["ApplyOn"]
    assert apply_on == {"Fn::If": ["SnapStartOn", "PublishedVersions", "None"]}
    assert translated["Conditions"]["SnapStartOn"] == {"Fn::Equals": [{"Ref": "SnapStart"}, "on"]}
    assert translated["Parameters"]["SnapStart"]["Default"] == "off"


class RecordingDynamoDb:
    """A stand-in DynamoDB client that keeps each request the code sends it."""

    class exceptions:  # boto3's spelling
        ResourceInUseException = type("ResourceInUseException", (Exception,), {})

    def __init__(self) -> None:
        self.requests: dict[str, dict[str, Any]] = {}

    def __getattr__(self, operation: str) -> Any:
        def send(**request: Any) -> dict[str, Any]:
            self.requests[operation] = request
            return {}

        return send

    def get_waiter(self, name: str) -> Any:
        return SimpleNamespace(wait=lambda **_: None)


def test_the_table_is_the_one_the_adapter_creates_and_writes(translated: dict[str, Any]) -> None:
    client = RecordingDynamoDb()
    create_table(client, "state")
    created = client.requests["create_table"]
    ttl = client.requests["update_time_to_live"]["TimeToLiveSpecification"]
    table = translated["Resources"]["StateTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    properties = table["Properties"]
    assert properties["KeySchema"] == created["KeySchema"]
    assert properties["AttributeDefinitions"] == created["AttributeDefinitions"]
    assert properties["BillingMode"] == created["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TimeToLiveSpecification"] == ttl
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == "Retain"  # people's state outlives a deleted stack

    # the attribute the adapter really writes as the item's expiry, in epoch seconds
    adapter = DynamoDbAdapter("state", client=client, retention_days=1)
    envelope = RequestEnvelope(session=Session(user=User(user_id="amzn1.ask.account.t")))
    adapter.save_attributes(envelope, {REVISION: 0, "v": 1})
    expires = int(client.requests["put_item"]["Item"][ttl["AttributeName"]]["N"])
    assert abs(expires - (time.time() + 86400)) < 60


def _called(module: Any, function: str) -> set[str]:
    """The string constants passed first to `self.<function>(...)` in a module's source."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == function
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def _statements(translated: dict[str, Any]) -> list[dict[str, Any]]:
    role = translated["Resources"]["SkillFunctionRole"]["Properties"]
    return [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]


def _actions(statement: dict[str, Any]) -> set[str]:
    actions = statement["Action"]
    return {actions} if isinstance(actions, str) else set(actions)


def test_the_function_may_do_only_what_the_code_does(translated: dict[str, Any]) -> None:
    """Least privilege: the DynamoDB actions are exactly the operations the adapter sends, on
    the table; S3 reads (GET and HEAD) under the tracks' prefix, plus ListBucket so a missing
    manifest is a 404 rather than a 403; logs through AWS's basic execution role; nothing else."""
    role = translated["Resources"]["SkillFunctionRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    ]
    statements = _statements(translated)
    assert all(s["Effect"] == "Allow" for s in statements)
    by_resource = {json.dumps(s["Resource"], sort_keys=True): _actions(s) for s in statements}
    table = json.dumps({"Fn::GetAtt": ["StateTable", "Arn"]})
    bucket = json.dumps({"Fn::GetAtt": ["AudioBucket", "Arn"]})
    tracks = json.dumps({"Fn::Sub": "${AudioBucket.Arn}/${AudioPrefix}/*"})
    assert set(by_resource) == {table, bucket, tracks}
    operations = _called(dynamodb, "_call")
    assert operations == {"GetItem", "PutItem", "UpdateItem", "DeleteItem"}
    assert by_resource[table] == {f"dynamodb:{op}" for op in operations}
    s3_calls = _called(s3_tracks, "_request")
    assert s3_calls and s3_calls <= set(S3_ACTIONS)
    assert by_resource[tracks] == {S3_ACTIONS[call] for call in s3_calls}
    assert by_resource[bucket] == {"s3:ListBucket"}


def _sample(value: Any, template: dict[str, Any]) -> str:
    """A plausible deployed value of a template expression: parameters take their default
    (SkillId a made-up id), resources a made-up name; Fn::Sub is filled in."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        name = value["Ref"]
        if name == "SkillId":
            return SKILL_ID
        parameter = template["Parameters"].get(name)
        if parameter and "Default" not in parameter:  # a value the deployer must give
            return "0123456789abcdef" * 4 if parameter.get("NoEcho") else f"{name.lower()}-given"
        return str(parameter["Default"]) if parameter else f"{name.lower()}-1a2b3c"
    if "Fn::Sub" in value:
        return re.sub(
            r"\$\{([^}]+)\}",
            lambda m: (
                "d1234abcd.cloudfront.net"
                if m.group(1).endswith(".DomainName")
                else _sample({"Ref": m.group(1)}, template)
            ),
            value["Fn::Sub"],
        )
    raise AssertionError(f"unexpected expression {value}")


@pytest.fixture(scope="module")
def environment(translated: dict[str, Any]) -> dict[str, str]:
    variables = translated["Resources"]["SkillFunction"]["Properties"]["Environment"]["Variables"]
    return {name: _sample(value, translated) for name, value in variables.items()}


def test_every_environment_variable_is_a_setting_that_takes_effect(
    environment: dict[str, str],
) -> None:
    defaults = Settings.from_env({})
    for name, value in environment.items():
        assert Settings.from_env({name: value}) != defaults, f"{name} changes no setting"


def test_the_environment_makes_a_lambda_on_dynamodb_finding_tracks_in_s3(
    environment: dict[str, str],
) -> None:
    settings = Settings.from_env(environment)
    assert settings.skill_id == SKILL_ID
    assert settings.store == "dynamodb"
    assert settings.dynamodb_table == "statetable-1a2b3c"
    assert settings.speech_engine == "polly"
    assert settings.audio_base_url and settings.audio_base_url.startswith("https://")
    assert settings.audio_s3 is not None
    bucket, prefix = parse_s3_url(settings.audio_s3)
    tracks = local_tracks(settings)  # no request is sent until a track is looked up
    assert isinstance(tracks, S3Tracks)
    assert (tracks.bucket, tracks.prefix) == (bucket, prefix) == ("audiobucket-1a2b3c", "audio/")
    # CloudFront passes the URL's path to the bucket: it must be the key the upload wrote
    key = "0" * 64
    url = audio_url(settings.audio_base_url, key)
    assert url.removeprefix("https://d1234abcd.cloudfront.net/") == f"{prefix}{key}.mp3"


def test_the_tracks_are_private_and_served_over_https(translated: dict[str, Any]) -> None:
    resources = translated["Resources"]
    bucket = resources["AudioBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption == [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    policy = resources["AudioBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allowed = [s for s in policy if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allowed] == [{"Service": "cloudfront.amazonaws.com"}]
    assert allowed[0]["Resource"] == {"Fn::Sub": "${AudioBucket.Arn}/${AudioPrefix}/*.mp3"}
    assert "AWS:SourceArn" in allowed[0]["Condition"]["StringEquals"]  # this distribution only
    distribution = resources["AudioDistribution"]["Properties"]["DistributionConfig"]
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"
    assert distribution["DefaultCacheBehavior"]["AllowedMethods"] == ["GET", "HEAD"]
    origin = distribution["Origins"][0]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["AudioOriginAccessControl", "Id"]}
