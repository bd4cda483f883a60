"""`nexudus mcp` driven by a client we did not write: the official Python MCP SDK (PyPI
`mcp`), over stdio, against the emulator that `.ci/mcp.sh` starts with `seed.json` (30
CoworkerDiscountCode records: coworkers 1, 2 and 3 in turn, TimesUsed 0 to 29, a name in
CoworkerFullName and in Notes).

The environment names the binary (NEXUDUS_BIN), the emulator (NEXUDUS_BASE_URL), an
administrator's token (MCP_ADMIN_TOKEN) and a token with the role CoworkerDiscountCode-List
only (MCP_LIMITED_TOKEN). Each check starts its own server. Every text a server answers is
kept, and the last check looks for any secret in it.

Prints one line per check and a closing `mcp: N passed, N failed`; exits 1 on any failure.
"""

import asyncio
import json
import os
import sys
import tempfile
import time
import traceback
from contextlib import asynccontextmanager

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

BIN = os.environ["NEXUDUS_BIN"]
BASE_URL = os.environ["NEXUDUS_BASE_URL"]
ADMIN = os.environ["MCP_ADMIN_TOKEN"]
LIMITED = os.environ["MCP_LIMITED_TOKEN"]
ENTITY = "CoworkerDiscountCode"
NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
HOME = tempfile.mkdtemp(prefix="nexudus-mcp-test-")
LOG = open(os.path.join(os.environ.get("MCP_REPORTS", HOME), "servers.log"), "a")

# Every text the servers answered, with whether that server redacted PII.
SEEN: list[tuple[bool, str]] = []


@asynccontextmanager
async def server(*flags: str, token: str = ADMIN):
    """A session with `nexudus mcp FLAGS`, initialized."""
    params = StdioServerParameters(
        command=BIN,
        args=["mcp", "--retries", "0", *flags],
        env={
            "NEXUDUS_BASE_URL": BASE_URL,
            "NEXUDUS_TOKEN": token,
            # No profile file or keyring of the machine is read.
            "HOME": HOME,
            "XDG_CONFIG_HOME": os.path.join(HOME, "config"),
            "NEXUDUS_CONFIG": os.path.join(HOME, "config", "none.toml"),
        },
    )
    async with stdio_client(params, errlog=LOG) as (read, write):
        async with ClientSession(read, write) as session:
            session.init_result = await session.initialize()
            session.redacts = "--no-redact" not in flags
            yield session


async def call(session, tool: str, **arguments):
    """Calls a tool; answers (is_error, text, structured content)."""
    result = await session.call_tool(tool, arguments)
    text = "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")
    SEEN.append((session.redacts, text))
    SEEN.append((session.redacts, json.dumps(result.structured_content)))
    return result.is_error, text, result.structured_content


async def ok(session, tool: str, **arguments):
    is_error, text, structured = await call(session, tool, **arguments)
    assert not is_error, f"{tool} failed: {text}"
    assert structured == json.loads(text), "the text and the structured content differ"
    return structured


async def fails(session, tool: str, **arguments):
    is_error, text, structured = await call(session, tool, **arguments)
    assert is_error, f"{tool} should have failed: {text[:300]}"
    return text, structured["error"]


async def test_initialize_list_tools_and_describe():
    async with server() as s:
        init = s.init_result
        assert init.server_info.name == "nexudus", init.server_info
        assert init.capabilities.tools is not None
        assert "read-only" in init.instructions, init.instructions
        tools = {t.name: t for t in (await s.list_tools()).tools}
        assert sorted(tools) == sorted([
            "list_entities", "describe_entity", "list", "get", "create", "update",
            "delete", "list_commands", "run_command",
        ]), sorted(tools)
        for name in ["list_entities", "describe_entity", "list", "get", "list_commands"]:
            assert tools[name].annotations.read_only_hint is True, name
        for name in ["delete", "run_command"]:
            a = tools[name].annotations
            assert a.read_only_hint is False and a.destructive_hint is True, name
        for name in ["create", "update"]:
            a = tools[name].annotations
            assert a.read_only_hint is False and a.destructive_hint is False, name
        schema = tools["list"].input_schema
        assert ENTITY in schema["properties"]["entity"]["enum"]
        assert schema["properties"]["size"]["maximum"] == 100
        assert schema["required"] == ["entity"]
        assert "`<Entity>-List`" in tools["list"].description
        assert "--allow-writes" in tools["create"].description

        entities = await ok(s, "list_entities", search="discount")
        assert ENTITY in entities["areas"]["billing"], entities
        d = await ok(s, "describe_entity", entity=ENTITY)
        fields = {f["name"]: f for f in d["fields"]}
        assert fields["CoworkerId"]["required_on_create"] is True
        assert fields["CoworkerId"]["type"] == "id<Coworker>"
        assert fields["Notes"]["pii"] == "BIO" and fields["Notes"]["in_list"] is False
        assert fields["Id"]["write"] == "read-only"
        roles = {o["tool"]: o["role"] for o in d["operations"] if o["tool"]}
        assert roles["list"] == "CoworkerDiscountCode-List", roles
        assert roles["delete"] == "CoworkerDiscountCode-Delete", roles
        assert any(f["field"] == "CoworkerId" for f in d["filters"])
        assert "TimesUsed" in [r["field"] for r in d["range_filters"]]
        assert "CreatedOn" in d["sort"]

        text, error = await fails(s, "describe_entity", entity="CoworkerDiscountCod")
        assert error["argument"] == "entity" and "`CoworkerDiscountCode`" in text, text


async def test_list_with_filters_and_paging():
    async with server() as s:
        page = await ok(s, "list", entity=ENTITY, size=10)
        assert (page["page"], page["total_pages"], page["total_records"]) == (1, 3, 30), page
        assert len(page["records"]) == 10
        assert "call list with page=2" in page["note"], page["note"]
        last = await ok(s, "list", entity=ENTITY, size=10, page=3)
        assert len(last["records"]) == 10 and "page=4" not in last["note"], last["note"]

        mine = await ok(s, "list", entity=ENTITY, filters={"CoworkerId": 2}, size=100)
        assert mine["total_records"] == 10
        assert {r["CoworkerId"] for r in mine["records"]} == {2}

        ranged = await ok(
            s, "list", entity=ENTITY, range={"TimesUsed": {"from": 5, "to": 9}},
            order_by="TimesUsed", direction="descending", fields=["Id", "TimesUsed"],
        )
        assert [r["TimesUsed"] for r in ranged["records"]] == [9, 8, 7, 6, 5], ranged
        assert set(ranged["records"][0]) == {"Id", "TimesUsed"}

        text, error = await fails(s, "list", entity=ENTITY, filters={"CoworkerIdd": 1})
        assert error["argument"] == "filters.CoworkerIdd" and "CoworkerId" in text, text
        text, error = await fails(s, "list", entity=ENTITY, size=1000)
        assert error["argument"] == "size" and "from 1 to 100" in text, text
        text, error = await fails(s, "list", entity=ENTITY, filters={"CoworkerId": "two"})
        assert error["argument"] == "filters.CoworkerId", error
        text, error = await fails(s, "list", entity=ENTITY, order_by="Colour")
        assert error["argument"] == "order_by", error


async def test_get():
    async with server("--no-redact") as s:
        first = (await ok(s, "list", entity=ENTITY, size=1))["records"][0]
        got = await ok(s, "get", entity=ENTITY, id=first["Id"])
        record = got["record"]
        assert record["Id"] == first["Id"] and record["CoworkerId"] == first["CoworkerId"]
        # The full record has what list records leave out.
        assert "Notes" not in first and record["Notes"].startswith("Discount"), record
        cut = await ok(s, "get", entity=ENTITY, id=first["Id"], max_text=20)
        assert "[cut:" in cut["record"]["Notes"] and "max_text" in cut["note"], cut
        text, error = await fails(s, "get", entity=ENTITY, id=999999)
        assert error["kind"] == "not_found" and "999999" in text, text


async def count(s) -> int:
    return (await ok(s, "list", entity=ENTITY, size=1))["total_records"]


async def test_writes_are_refused_without_allow_writes():
    async with server() as s:
        before = await count(s)
        new = {"CoworkerId": 1, "BusinessId": 7, "DiscountCodeId": 9}
        for tool, arguments in [
            ("create", {"entity": ENTITY, "fields": new}),
            ("update", {"entity": ENTITY, "id": 1, "fields": {"Notes": "x"}}),
            ("delete", {"entity": ENTITY, "id": 1}),
            ("run_command", {"entity": ENTITY, "key": "ARCHIVE", "ids": [1]}),
        ]:
            text, error = await fails(s, tool, **arguments)
            assert error["kind"] == "writes_disabled", error
            assert "--allow-writes" in text, text
        assert await count(s) == before
        assert (await ok(s, "get", entity=ENTITY, id=1))["id"] == 1


async def test_create_update_delete_and_commands_with_allow_writes():
    async with server("--allow-writes", "--no-redact") as s:
        before = await count(s)
        created = await ok(s, "create", entity=ENTITY, fields={
            "CoworkerId": 3, "BusinessId": "7", "DiscountCodeId": 9,
            "Notes": "Created over MCP", "ValidFrom": "2025-01-15T10:30",
        })
        new_id = created["id"]
        assert await count(s) == before + 1
        got = (await ok(s, "get", entity=ENTITY, id=new_id))["record"]
        assert got["Notes"] == "Created over MCP" and got["BusinessId"] == 7, got

        updated = await ok(s, "update", entity=ENTITY, id=new_id,
                           fields={"Notes": "Changed"}, unset=["ValidFrom"])
        assert updated["changed"] == ["Notes", "ValidFrom"], updated
        got = (await ok(s, "get", entity=ENTITY, id=new_id))["record"]
        assert got["Notes"] == "Changed" and got.get("ValidFrom") is None, got
        # What the update did not name is kept.
        assert got["CoworkerId"] == 3 and got["DiscountCodeId"] == 9, got

        # Checked before sending, naming the field.
        text, error = await fails(s, "create", entity=ENTITY, fields={"CoworkerId": 3})
        assert error["argument"] == "fields" and "BusinessId" in text and "DiscountCodeId" in text, text
        text, error = await fails(s, "create", entity=ENTITY, fields={
            "CoworkerId": 3, "BusinessId": 7, "DiscountCodeId": 9, "ValidFrom": "soon"})
        assert error["argument"] == "fields.ValidFrom" and "date-time" in text, text
        text, error = await fails(s, "update", entity=ENTITY, id=new_id, fields={"TimesUsed": 4})
        assert error["argument"] == "fields.TimesUsed" and "read-only" in text, text
        text, error = await fails(s, "update", entity=ENTITY, id=new_id, unset=["CoworkerId"])
        assert "required" in text, text
        assert await count(s) == before + 1

        commands = await ok(s, "list_commands", entity=ENTITY)
        assert [c["Key"] for c in commands["commands"]] == ["ARCHIVE"], commands
        ran = await ok(s, "run_command", entity=ENTITY, key="ARCHIVE", ids=[new_id])
        assert ran["ids"] == [new_id], ran

        deleted = await ok(s, "delete", entity=ENTITY, id=new_id)
        assert deleted["id"] == new_id
        text, error = await fails(s, "get", entity=ENTITY, id=new_id)
        assert error["kind"] == "not_found", error
        assert await count(s) == before


async def test_the_apis_validation_messages_are_named_per_property():
    # BillToName may not be null, a rule of the API that the server does not check first.
    async with server("--allow-writes") as s:
        text, error = await fails(s, "update", entity="CoworkerInvoice", id=1,
                                  unset=["BillToName"])
        assert error["kind"] == "validation", error
        assert {"property": "BillToName", "message": "cannot be null"} in error["errors"], error
        assert "BillToName: cannot be null" in text, text
        got = (await ok(s, "get", entity="CoworkerInvoice", id=1))["record"]
        assert got["BillToName"].startswith("«PII:NAME:"), got
        assert got["BillToAddress"].startswith("«PII:ADDRESS:"), got


async def test_a_403_names_the_role():
    async with server(token=LIMITED) as s:
        assert (await ok(s, "list", entity=ENTITY, size=1))["total_records"] >= 30
        text, error = await fails(s, "get", entity=ENTITY, id=1)
        assert error["kind"] == "forbidden", error
        assert error["role"] == "CoworkerDiscountCode-Read", error
        assert "`CoworkerDiscountCode-Read`" in text, text
    async with server("--allow-writes", token=LIMITED) as s:
        text, error = await fails(s, "delete", entity=ENTITY, id=1)
        assert error["role"] == "CoworkerDiscountCode-Delete", error


async def test_redaction_on_and_off():
    async with server() as s:
        page = await ok(s, "list", entity=ENTITY, filters={"CoworkerId": 1}, size=3)
        token = page["records"][0]["CoworkerFullName"]
        assert token.startswith("«PII:NAME:") and token.endswith("»"), token
        # The same value, the same token.
        assert {r["CoworkerFullName"] for r in page["records"]} == {token}
        got = (await ok(s, "get", entity=ENTITY, id=page["records"][0]["Id"]))["record"]
        assert got["Notes"].startswith("«PII:BIO:"), got
        # A token given back is resolved: the filter matches Ada's records.
        same = await ok(s, "list", entity=ENTITY,
                        filters={"CoworkerFullName": token}, fields=["CoworkerId"], size=100)
        assert same["total_records"] == 10, same
        assert {r["CoworkerId"] for r in same["records"]} == {1}
        text, error = await fails(s, "list", entity=ENTITY,
                                  filters={"CoworkerFullName": "«PII:NAME:00000000»"})
        assert "not one of this PII session's" in text, text
    async with server("--no-redact") as s:
        page = await ok(s, "list", entity=ENTITY, filters={"CoworkerId": 1}, size=3)
        assert page["records"][0]["CoworkerFullName"] == "Ada Lovelace", page


async def test_no_secret_or_redacted_value_in_any_output():
    # Last: it reads what every other check saw.
    assert SEEN, "no output was kept"
    for redacted, text in SEEN:
        assert ADMIN not in text and LIMITED not in text, "a token was shown"
        if redacted:
            for name in NAMES:
                assert name not in text, f"{name} shown with redaction on: {text[:300]}"


async def main() -> int:
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    passed = failed = 0
    for name, test in tests:
        started = time.monotonic()
        try:
            await asyncio.wait_for(test(), timeout=120)
        except BaseException as error:  # noqa: BLE001 - every failure is reported
            failed += 1
            print(f"FAIL {name}: {error!r}")
            traceback.print_exc()
        else:
            passed += 1
            print(f"ok   {name} ({time.monotonic() - started:.1f} s)")
    print(f"mcp: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
