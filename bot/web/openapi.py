"""The OpenAPI 3.1 document of the JSON API (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

from bot.service.public import MAX_QUERY_CHARS, PAGE_SIZE
from bot.web.params import MAX_PAGE

COUNT = {
    "description": 'A count, or "<K" (a string) when it is below SMALL_COUNT_K: a small count can point at the '
    "few people behind it.",
    "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^<[0-9]+$"}],
}
DAY = {"type": ["string", "null"], "format": "date", "description": "A day (YYYY-MM-DD, in the site's time zone)."}
ACCOUNT = {
    "type": "object",
    "description": "An account shown to have posted the campaign, by its @handle (else its link), with its public "
    "link. Never a protected account, a hidden user, or an account reporters only mentioned.",
    "properties": {"platform": {"type": "string"}, "account": {"type": "string"}, "link": {"type": "string"}},
    "required": ["platform", "account", "link"],
}
LANGUAGES = {"type": "object", "additionalProperties": {"type": "string"}, "description": "Language code → text."}
CAMPAIGN = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string"},
        "kind": {"enum": ["cluster", "image", "account"]},
        "label": {"type": ["string", "null"]},
        "labels": LANGUAGES,
        "text": {"type": ["string", "null"], "description": "The verified text (null for a picture campaign)."},
        "texts": LANGUAGES,
        "account": {"oneOf": [ACCOUNT, {"type": "null"}]},
        "reports": COUNT,
        "languages": {"type": "array", "items": {"type": "string"}},
        "first_seen": DAY,
        "last_seen": DAY,
        "verified_on": DAY,
        "template_id": {"type": ["integer", "null"]},
    },
    "required": ["id", "url", "kind", "reports", "first_seen", "last_seen", "verified_on"],
}
CAMPAIGN_PAGE = {
    "allOf": [
        {"$ref": "#/components/schemas/Campaign"},
        {
            "type": "object",
            "properties": {
                "per_day": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"date": DAY, "reports": COUNT}},
                },
                "platforms": {"type": "array", "items": {"type": "string"}},
                "accounts": {"type": "array", "items": ACCOUNT},
                "accounts_total": COUNT,
                "post_links": {"type": "array", "items": {"type": "string"}},
                "votes": COUNT,
                "coordinated": {"type": "boolean"},
                "template": {"type": ["string", "null"]},
                "pdq": {"type": "array", "items": {"type": "string"}, "description": "PDQ hashes, never pictures."},
                "evidence": {"type": "array", "items": {"type": "object"}},
            },
        },
    ]
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _with_licence(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"licence": {"type": "string"}, **properties},
        "required": ["licence", *properties],
    }


NOT_FOUND = {"404": {"description": "No such published item."}}


def document(base: str, licence: str) -> dict[str, Any]:
    page = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}}
    week = {"name": "week", "in": "path", "required": True, "schema": {"type": "string", "pattern": r"^\d{4}-W\d{2}$"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kuzet open data",
            "version": "1",
            "description": "Campaigns that Kuzet's moderators verified, and the weekly digests. Nothing about who "
            'reported. Counts below SMALL_COUNT_K are written "<K".',
            "license": {"name": licence},
        },
        "servers": [{"url": base}],
        "paths": {
            "/api/campaigns": {
                "get": {
                    "summary": f"Published campaigns, the latest verified first, {PAGE_SIZE} a page",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "description": "Words the campaign's texts or labels hold, normalised as the matcher "
                            "normalises (look-alike letters, Cyrillic or Latin Kazakh, Traditional or Simplified "
                            "Chinese all match).",
                            "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
                        },
                        page,
                        {
                            "name": "lang",
                            "in": "query",
                            "description": "Only campaigns seen in this language (en, ru, kk, ar, zh).",
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": _json(
                            _with_licence(
                                {
                                    "page": {"type": "integer"},
                                    "pages": {"type": "integer"},
                                    "total": {"type": "integer"},
                                    "campaigns": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Campaign"},
                                    },
                                }
                            ),
                            "A page of campaigns",
                        ),
                        "400": {"description": "A bad page number, language or a search line too long."},
                    },
                }
            },
            "/api/campaigns/{id}": {
                "get": {
                    "summary": "One published campaign with its accounts, per-day reports and evidence links",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": _json(
                            _with_licence({"campaign": {"$ref": "#/components/schemas/CampaignPage"}}), "The campaign"
                        ),
                        **NOT_FOUND,
                    },
                }
            },
            "/api/digests": {
                "get": {
                    "summary": "Published weekly digests, the latest first",
                    "responses": {
                        "200": _json(
                            _with_licence({"digests": {"type": "array", "items": {"type": "object"}}}), "The digests"
                        )
                    },
                }
            },
            "/api/digests/{week}": {
                "get": {
                    "summary": "A published digest (ISO week, e.g. 2026-W49), its counts as public as the site's",
                    "parameters": [week],
                    "responses": {
                        "200": _json(_with_licence({"digest": {"type": "object"}}), "The digest"),
                        **NOT_FOUND,
                    },
                }
            },
            "/api/chain": {
                "get": {
                    "summary": "The evidence hash chain: each link, its files and the records it covers",
                    "responses": {
                        "200": _json(
                            _with_licence({"links": {"type": "array", "items": {"type": "object"}}}),
                            "The chain, oldest link first",
                        )
                    },
                }
            },
            "/api/openapi.json": {
                "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}
            },
        },
        "components": {"schemas": {"Campaign": CAMPAIGN, "CampaignPage": CAMPAIGN_PAGE}},
    }
