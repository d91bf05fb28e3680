#!/usr/bin/env python3
"""Render the golden prompts for Gemma4PromptFormatter with the official Gemma 4 chat template.

Reads cases.json (conversations in a neutral form that mirrors Microsoft.Extensions.AI), maps each one onto the
template's messages/tools with the SAME convention as Gemma4PromptFormatter (see its <remarks>), renders it with
Jinja2 configured as Hugging Face transformers does, and writes expected.json.

The templates are third-party files and are not in the repository: pass their paths. Their sha256 is verified.

    python3 render_golden.py --small PATH/gemma4_e2b.jinja --large PATH/gemma4_large.jinja

Mapping convention (MEAI -> template), mirrored from Gemma4MessageMapper:
  * options.instructions (non-empty) -> an extra {role: system} message inserted first.
  * Roles system/user/assistant/tool (case-insensitive, like ChatRole) -> lower case; other roles pass through.
  * Content: the concatenated text contents as a string; if the message holds image/*, audio/* or video/* data or
    uri contents, a parts list in order ({type: text, text} / {type: image|audio|video}). Other media are ignored.
  * Assistant: reasoning contents (concatenated) -> 'reasoning'; functionCall contents ->
    tool_calls [{id, type: function, function: {name, arguments}}] (arguments: mapping or None).
  * Tool messages: each functionResult -> {role: tool, tool_call_id, content: result}; a tool message without
    results -> {role: tool, content: its text}.
    The template iterates a mapping or list given as role:tool content as if it were content parts, so when a
    result is an object or array, the results that follow that assistant message are passed through the template's
    legacy 'tool_responses' list on the assistant message instead ({name: resolved from the call id, or
    'unknown'; response}). Both paths render the same text. The role:tool messages stay in place: the template
    skips them, and they keep the loop indices the template uses for the reasoning guard.
  * Tools: {type: function, function: {name, description ('' when absent), parameters (the JSON schema; {} when
    absent)}}.
  * enable_thinking = options.reasoningEffort is set and is not 'none'.
"""
import argparse
import hashlib
import json
import os
import sys

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

REVISION = "68abe48 (Published 2026-07-09)"
TEMPLATE_NAME = "Gemma 4 Canonical Chat Template"
SHA256 = {
    "small": "0a2c8073c878ab1da004bee933a998606537bbb62016310352c7285c3f01c5b5",  # E2B / E4B
    "large": "ae53464bf3be25802b3a5b37def7fd89667067d7577049b3b2d74c4d8de4c6d4",  # 12B / 26B-A4B / 31B
}
STANDARD_ROLES = ("system", "user", "assistant", "tool")
MEDIA_KINDS = ("image", "audio", "video")


def make_environment():
    """Jinja2 as transformers' chat template rendering sets it up."""

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def media_kind(content):
    if content["type"] not in ("data", "uri"):
        return None
    media_type = content.get("mediaType", "").lower()
    return next((kind for kind in MEDIA_KINDS if media_type.startswith(kind + "/")), None)


def texts(contents, kind="text"):
    return [c["text"] for c in contents if c["type"] == kind]


def map_content(contents):
    if not any(media_kind(c) for c in contents):
        return "".join(texts(contents))
    parts = []
    for c in contents:
        if c["type"] == "text":
            parts.append({"type": "text", "text": c["text"]})
        elif media_kind(c):
            parts.append({"type": media_kind(c)})
    return parts


def resolve_name(tool_calls, call_id):
    name = "unknown"
    for tc in tool_calls:
        if tc.get("id") == call_id:
            name = tc["function"]["name"]
    return name


def map_messages(case):
    options = case.get("options") or {}
    messages = []
    if options.get("instructions"):
        messages.append({"role": "system", "content": options["instructions"]})
    for m in case["messages"]:
        role = m["role"].lower() if m["role"].lower() in STANDARD_ROLES else m["role"]
        contents = m.get("contents", [])
        if role == "tool":
            results = [c for c in contents if c["type"] == "functionResult"]
            for r in results:
                messages.append({"role": "tool", "tool_call_id": r["callId"], "content": r.get("result")})
            if not results:
                messages.append({"role": "tool", "content": "".join(texts(contents))})
            continue
        message = {"role": role, "content": map_content(contents)}
        if role == "assistant":
            reasoning = texts(contents, "reasoning")
            if reasoning:
                message["reasoning"] = "".join(reasoning)
            calls = [c for c in contents if c["type"] == "functionCall"]
            if calls:
                message["tool_calls"] = [
                    {"id": c["callId"], "type": "function",
                     "function": {"name": c["name"], "arguments": c.get("arguments")}}
                    for c in calls
                ]
        messages.append(message)

    # Object/array results cannot go through role:tool messages: use the legacy tool_responses path.
    for i, message in enumerate(messages):
        if message["role"] != "assistant" or not message.get("tool_calls"):
            continue
        group = []
        for follow in messages[i + 1:]:
            if follow["role"] != "tool":
                break
            group.append(follow)
        if any(isinstance(t["content"], (dict, list)) for t in group):
            responses = []
            for t in group:
                name = resolve_name(message["tool_calls"], t.get("tool_call_id"))
                if not name:
                    sys.exit(f"case {case['name']}: an empty tool name cannot go through tool_responses")
                responses.append({"name": name, "response": t["content"]})
            message["tool_responses"] = responses
    return messages


def map_tools(case):
    tools = (case.get("options") or {}).get("tools") or []
    return [
        {"type": "function",
         "function": {"name": t["name"], "description": t.get("description") or "",
                      "parameters": t["parameters"] if "parameters" in t else {}}}
        for t in tools
    ]


def thinking(case):
    effort = (case.get("options") or {}).get("reasoningEffort")
    return effort is not None and effort.lower() != "none"


def load_template(env, path, variant):
    with open(path, "rb") as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[variant]:
        sys.exit(f"{path}: sha256 {digest} is not the {variant} template of revision {REVISION} ({SHA256[variant]})")
    return env.from_string(data.decode("utf-8")), os.path.basename(path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", required=True, help="path of the E2B/E4B template (gemma4_e2b.jinja)")
    parser.add_argument("--large", required=True, help="path of the 12B/26B/31B template (gemma4_large.jinja)")
    parser.add_argument("--cases", default=os.path.join(here, "cases.json"))
    parser.add_argument("--out", default=os.path.join(here, "expected.json"))
    args = parser.parse_args()

    env = make_environment()
    templates = {v: load_template(env, getattr(args, v), v) for v in ("small", "large")}
    with open(args.cases, encoding="utf-8") as f:
        cases = json.load(f)["cases"]

    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        sys.exit("case names must be unique")

    expected = {}
    for case in cases:
        messages, tools = map_messages(case), map_tools(case)
        expected[case["name"]] = {
            variant: templates[variant][0].render(
                messages=messages,
                tools=tools or None,
                add_generation_prompt=case.get("addGenerationPrompt", True),
                enable_thinking=thinking(case),
                preserve_thinking=case.get("preserveThinking", False),
                bos_token="<bos>",
                eos_token="<eos>",
            )
            for variant in case.get("variants", ["small", "large"])
        }

    output = {
        "template": {
            "name": TEMPLATE_NAME,
            "revision": REVISION,
            "small": {"file": templates["small"][1], "sha256": SHA256["small"]},
            "large": {"file": templates["large"][1], "sha256": SHA256["large"]},
        },
        "generator": f"render_golden.py, Python {sys.version.split()[0]}, Jinja2 {jinja2.__version__}",
        "cases": expected,
    }
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        json.dump(output, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {sum(len(v) for v in expected.values())} prompts for {len(expected)} cases to {args.out}")


if __name__ == "__main__":
    main()
