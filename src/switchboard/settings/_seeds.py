"""The two example features of the seed plan (an AI-readiness product): `analyze-industry` and
`generate-suggestions`, served at POST /api/v1/features/{name}. Copy before changing one."""

from __future__ import annotations

from typing import Any

_LEVEL = {"type": "string", "enum": ["low", "medium", "high"]}

_ANALYSIS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["industry", "summary", "readiness_score", "opportunities", "challenges"],
    "properties": {
        "industry": {"type": "string", "minLength": 1},
        "summary": {"type": "string", "minLength": 1},
        "readiness_score": {"type": "integer", "minimum": 0, "maximum": 100},
        "opportunities": {
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "required": ["area", "description", "impact"],
                "properties": {
                    "area": {"type": "string"},
                    "description": {"type": "string"},
                    "impact": _LEVEL,
                },
            },
        },
        "challenges": {"type": "array", "maxItems": 5, "items": {"type": "string"}},
    },
}

_SUGGESTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["suggestions"],
    "properties": {
        "suggestions": {
            "type": "array",
            "minItems": 1,
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["title", "description", "priority"],
                "properties": {
                    "title": {"type": "string", "minLength": 1},
                    "description": {"type": "string"},
                    "priority": _LEVEL,
                    "effort": _LEVEL,
                    "timeframe": {"type": "string"},
                },
            },
        },
    },
}

_ANALYZE_INDUSTRY: dict[str, Any] = {
    "name": "analyze-industry",
    "description": "Assesses how ready an industry is for AI: where it helps, what holds it back.",
    "system_prompt": (
        "You are an AI readiness consultant. You assess industries for AI adoption candidly "
        "and concretely, without hype. Answer with a single JSON object and nothing else."
    ),
    "prompt_template": (
        "Analyze the {industry} industry for AI readiness.\n"
        "Company context: {company_description}\n\n"
        "Return a JSON object with:\n"
        '- "industry": the industry name\n'
        '- "summary": two or three sentences on AI adoption in this industry\n'
        '- "readiness_score": an integer from 0 (no adoption) to 100 (AI-native)\n'
        '- "opportunities": up to five concrete use cases, each '
        '{{"area": ..., "description": ..., "impact": "low" | "medium" | "high"}}\n'
        '- "challenges": up to five obstacles (data, regulation, skills, cost, ...)'
    ),
    "model": "echo/echo-1",
    "settings": {"temperature": 0.3, "max_tokens": 800},
    "output_schema": _ANALYSIS_SCHEMA,
    "enabled": True,
}

_GENERATE_SUGGESTIONS: dict[str, Any] = {
    "name": "generate-suggestions",
    "description": "Suggests prioritized next steps for an organization to improve AI readiness.",
    "system_prompt": (
        "You are an AI readiness consultant. You give practical, prioritized advice an "
        "organization can act on. Answer with a single JSON object and nothing else."
    ),
    "prompt_template": (
        "Suggest {count} practical next steps for a {industry} organization to improve its "
        "AI readiness.\n"
        "Current situation: {current_state}\n"
        "Goals: {goals}\n\n"
        'Return {{"suggestions": [...]}} where each suggestion has "title", "description", '
        '"priority" ("high" | "medium" | "low"), "effort" ("low" | "medium" | "high") and '
        '"timeframe" (e.g. "0-3 months"). Order them by priority, highest first.'
    ),
    "model": "echo/echo-1",
    "settings": {"temperature": 0.7, "max_tokens": 1200},
    "output_schema": _SUGGESTIONS_SCHEMA,
    "enabled": True,
}

SEED_FEATURES: tuple[dict[str, Any], ...] = (_ANALYZE_INDUSTRY, _GENERATE_SUGGESTIONS)
