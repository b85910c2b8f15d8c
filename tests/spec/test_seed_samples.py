"""Every JSON sample in Tray's docs parses into the generated models and serialises back to the
same JSON; every GraphQL document in them validates against spec/schema.graphql."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import graphql
import pytest

from tray_ext._generated.graphql.create_user_authentication import CreateUserAuthentication
from tray_ext._generated.graphql.generate_authorization_code import GenerateAuthorizationCode
from tray_ext._generated.graphql.list_authentication_names import ListAuthenticationNames
from tray_ext._generated.graphql.remove_authentication import RemoveAuthentication
from tray_ext._generated.rest import models as rest

from .seeds import (
    COPIED_SEEDS,
    REPO,
    SHARED_SEEDS,
    complete_document,
    graphql_documents,
    json_samples,
    normalise_json,
)


def _rest(model: Any) -> Callable[[Any], Any]:
    def round_trip(value: Any) -> Any:
        parsed = model.from_dict(value)
        _no_extra_keys(parsed)
        return parsed.to_dict()

    return round_trip


def _graphql(model: Any) -> Callable[[Any], Any]:
    def round_trip(value: Any) -> Any:
        parsed = model.model_validate(value["data"])
        return {"data": parsed.model_dump(by_alias=True, mode="json")}

    return round_trip


# Which generated model each sample belongs to, by where it stands in the seeds. A sample that is
# not listed fails the test, so a new sample in the seeds cannot be skipped silently.
MODEL_OF: dict[str, Callable[[Any], Any]] = {
    "000_1431c0dac658b57a.txt:127": _rest(rest.CreatePublicUserAuthentication),
    "000_1431c0dac658b57a.txt:144": _rest(rest.CreatePublicUserAuthenticationResult),
    "000_1431c0dac658b57a.txt:237": _rest(rest.GetUserAuthenticationResult),
    "000_1431c0dac658b57a.txt:356": _rest(rest.UpdatePublicUserAuthenticationHttp),
    "000_1431c0dac658b57a.txt:372": _rest(rest.UpdatePublicUserAuthenticationResult),
    "000_1431c0dac658b57a.txt:544": _rest(rest.GetFullUserAuthenticationResult),
    "000_1431c0dac658b57a.txt:576": _rest(rest.PublicServiceEnvironmentList),
    "000_1431c0dac658b57a.txt:661": _rest(rest.PublicServiceEnvironmentList),
    "001_51be6a37ac18c1db.txt:27": _graphql(GenerateAuthorizationCode),
    "001_51be6a37ac18c1db.txt:63": _rest(rest.PublicServiceEnvironmentList),
    "001_51be6a37ac18c1db.txt:90": _rest(rest.PublicServiceEnvironmentList),
    "001_51be6a37ac18c1db.txt:189": _graphql(ListAuthenticationNames),
    "002_acd43dfb13e64729.txt:182": _graphql(CreateUserAuthentication),
    "002_acd43dfb13e64729.txt:266": _graphql(RemoveAuthentication),
    "004_ebc87c5c627c54f9.txt:63": _rest(rest.CreatePublicUserAuthentication),
    "004_ebc87c5c627c54f9.txt:76": _rest(rest.CreatePublicUserAuthenticationResult),
}
# A placeholder, not a sample: "Response samples application/json {}" under a GraphQL query.
EMPTY_PLACEHOLDER = "{}"
SAMPLES = [s for s in json_samples() if s.text.strip() != EMPTY_PLACEHOLDER]


def test_every_seed_sample_is_mapped_to_a_model() -> None:
    assert sorted(s.where for s in SAMPLES) == sorted(MODEL_OF)


def _no_extra_keys(model: Any) -> None:
    """A REST model keeps unknown keys in additional_properties; a sample mapped to the wrong
    model would round-trip through them, so the test also demands none were needed."""
    if hasattr(model, "additional_properties") and type(model).__name__ not in SECRET_MAPS:
        assert model.additional_properties == {}, type(model).__name__


SECRET_MAPS = {"AuthenticationCredentials", "AuthenticationUserData", "JsonSchemaDocument"}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.where)
def test_json_sample_round_trips_through_the_generated_model(sample: Any) -> None:
    round_trip = MODEL_OF[sample.where]
    value = normalise_json(sample.text)
    assert round_trip(value) == value


DOCUMENTS = graphql_documents()
SCHEMA = graphql.build_schema((REPO / "spec" / "schema.graphql").read_text())


def test_the_seeds_hold_the_documents_we_expect() -> None:
    assert len(DOCUMENTS) == 11
    # Seed 003 cuts its createSolutionInstance example off after `solutionInstance {`.
    assert [d.where for d in DOCUMENTS if d.truncated] == ["003_237e7e242145259f.txt:61"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: f"{d.seed}:{d.line}")
def test_seed_graphql_document_validates_against_the_schema(document: Any) -> None:
    errors = graphql.validate(SCHEMA, graphql.parse(complete_document(document)))
    assert errors == []


def test_spec_operations_validate_against_the_schema() -> None:
    for path in sorted((REPO / "spec" / "operations").glob("*.graphql")):
        errors = graphql.validate(SCHEMA, graphql.parse(path.read_text()))
        assert errors == [], path.name


def test_a_cleaner_schema_would_reject_trays_documents() -> None:
    """Why the SDL keeps Tray's loose types: `$serviceId: String!` from Tray's own example would
    not validate against a schema that declared `serviceId: ID!`."""
    stricter = (
        (REPO / "spec" / "schema.graphql")
        .read_text()
        .replace("  serviceId: String!\n", "  serviceId: ID!\n")
    )
    create = next(d for d in DOCUMENTS if d.text.lstrip().startswith("mutation (\n"))
    errors = graphql.validate(graphql.build_schema(stricter), graphql.parse(create.text))
    assert errors, "a stricter schema should reject Tray's published document"


def test_openapi_spec_is_valid() -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec, _ = read_from_filename(str(REPO / "spec" / "openapi.yaml"))
    validate(spec)


def test_spec_examples_are_valid_against_their_schemas() -> None:
    """The spec's examples are valid against their own schemas (the emulator relies on the spec)."""
    import jsonschema
    import yaml
    from jsonschema.validators import Draft202012Validator

    spec = yaml.safe_load((REPO / "spec" / "openapi.yaml").read_text())
    registry_root = json.loads(json.dumps(spec))
    count = 0
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.get("responses", {}).values()
            bodies = [operation.get("requestBody", {}), *responses]
            for body in bodies:
                for media in body.get("content", {}).values():
                    for example in media.get("examples", {}).values():
                        schema = {**media["schema"], "components": registry_root["components"]}
                        Draft202012Validator(
                            schema, format_checker=jsonschema.FormatChecker()
                        ).validate(example["value"])
                        count += 1
    assert count >= 10


def test_the_copied_seeds_match_the_shared_ones() -> None:
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout; the committed copy is used")
    shared = {p.name: p.read_bytes() for p in SHARED_SEEDS.glob("*.txt")}
    copied = {p.name: p.read_bytes() for p in COPIED_SEEDS.glob("*.txt")}
    assert copied == shared
