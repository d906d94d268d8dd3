"""Drives `hubspot-harness mcp` with the official MCP Python SDK, as an agent's
client would, and prints what it saw as one JSON document for the Rust test
(tests/end_to_end/mcp.rs) to check.

    client.py stdio COMMAND [ARG...]      spawn the server, talk over stdin/stdout
    client.py http URL TOKEN [TOKEN...]   one session per token, over Streamable HTTP
                                          ("-": a session that sends no Authorization)

Each session: initialize, tools/list, tools/call create, read of the created
record, read of a record that does not exist, and create with invalid input.
"""

import asyncio
import json
import sys

import httpx2
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

COMPANY = {"entity": "companies", "properties": {"name": "Acme Corp", "domain": "acme.example"}}


def outcome(result):
    """A tool result as the test reads it: isError, and the JSON of its text."""
    texts = [block.text for block in result.content if getattr(block, "type", None) == "text"]
    return {
        "isError": bool(result.is_error),
        "json": json.loads(texts[0]) if texts else None,
        "structured": result.structured_content,
    }


async def scenario(session):
    init = await session.initialize()
    listed = await session.list_tools()
    tools = {tool.name: {"title": tool.title, "description": tool.description, "inputSchema": tool.input_schema}
             for tool in listed.tools}
    calls = {}
    calls["create"] = outcome(await session.call_tool("create", COMPANY))
    created = calls["create"]["json"] or {}
    if not calls["create"]["isError"]:
        calls["read"] = outcome(await session.call_tool(
            "read", {"entity": "companies", "entityId": created["id"], "properties": ["name", "domain"]}))
    calls["readMissing"] = outcome(await session.call_tool(
        "read", {"entity": "companies", "entityId": "999999999"}))
    calls["invalid"] = outcome(await session.call_tool("create", {"entity": "Contact", "properties": {}}))
    return {
        "serverName": init.server_info.name,
        "protocolVersion": init.protocol_version,
        "tools": tools,
        "calls": calls,
    }


async def over_stdio(command):
    params = StdioServerParameters(command=command[0], args=command[1:])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            return [await scenario(session)]


async def over_http(url, tokens):
    async def one(token):
        headers = {} if token == "-" else {"Authorization": f"Bearer {token}"}
        async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
            async with streamable_http_client(url, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    return await scenario(session)

    # The sessions run at the same time, so the server holds them side by side.
    return list(await asyncio.gather(*(one(token) for token in tokens)))


def main(argv):
    if len(argv) >= 2 and argv[0] == "stdio":
        sessions = asyncio.run(over_stdio(argv[1:]))
    elif len(argv) >= 3 and argv[0] == "http":
        sessions = asyncio.run(over_http(argv[1], argv[2:]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps({"sessions": sessions}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
