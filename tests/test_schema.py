"""Schemathesis over the OpenAPI schema (issue 14): no request the schema describes, valid or not, gets a
500 from the app over the seeds. Bounded: a few dozen generated requests per operation.

(Schemathesis' own pytest loader, `schemathesis.pytest.from_fixture`, fails under pytest 9, so each
operation's cases are drawn from its hypothesis strategy here.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

OPERATIONS = [
    ("/health", "GET"),
    ("/ask", "GET"),
    ("/search", "GET"),
    ("/sparql", "GET"),
    ("/sparql", "POST"),
    ("/ingest", "POST"),
    ("/id/{path}", "GET"),
    ("/trace", "GET"),
    ("/diff", "GET"),
]
BOUNDED = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def api_schema(client):
    return schemathesis.openapi.from_asgi("/openapi.json", client.app)


def test_the_schema_lists_every_operation(api_schema):
    listed = {(op.ok().path, op.ok().method.upper()) for op in api_schema.get_all_operations()}
    assert listed == set(OPERATIONS)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_generated_request_is_a_server_error(api_schema, path, method):
    operation = api_schema[path][method]
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]

    @BOUNDED
    @given(st.one_of(*(operation.as_strategy(generation_mode=m) for m in modes)))
    def call(case):
        case.call_and_validate(checks=[not_a_server_error])

    call()
