"""Writing account networks for researchers (`kuzet export --networks DIR`): GraphML for Gephi, CSV node and
edge lists, and the parameters that found them. Nothing about reporters."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bot.core.networks import NetworkRules
from bot.service.export import ExportedEdge, ExportedNode, NetworkExport

NODE_COLUMNS = ("node", "network", "named", "platform", "account", "link")
EDGE_COLUMNS = ("source", "target", "network", "weight", "clusters", "images", "avatar", "first_at", "last_at")
_KEYS = (
    ("node", "network", "int"),
    ("node", "named", "boolean"),
    ("node", "platform", "string"),
    ("node", "account", "string"),
    ("node", "link", "string"),
    ("edge", "network", "int"),
    ("edge", "weight", "double"),
    ("edge", "clusters", "int"),
    ("edge", "images", "int"),
    ("edge", "avatar", "boolean"),
    ("edge", "first_at", "string"),
    ("edge", "last_at", "string"),
)


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def _node_row(node: ExportedNode) -> dict[str, object]:
    account = node.account
    return {
        "node": node.node,
        "network": node.network,
        "named": account is not None,
        "platform": "" if account is None else account.platform,
        "account": "" if account is None else account.label,
        "link": "" if account is None else account.link,
    }


def _edge_row(edge: ExportedEdge, rules: NetworkRules) -> dict[str, object]:
    return {
        "source": edge.source,
        "target": edge.target,
        "network": edge.network,
        "weight": edge.edge.weight(rules),
        "clusters": edge.edge.clusters,
        "images": edge.edge.images,
        "avatar": edge.edge.avatar,
        "first_at": _iso(edge.edge.first_at),
        "last_at": _iso(edge.edge.last_at),
    }


def _value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _graphml(nodes: list[dict[str, object]], edges: list[dict[str, object]]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        *(
            f'  <key id="{name}" for="{kind}" attr.name="{name}" attr.type="{kind_type}"/>'
            for kind, name, kind_type in _KEYS
        ),
        '  <graph id="kuzet-networks" edgedefault="undirected">',
    ]
    for node in nodes:
        lines.append(f"    <node id={quoteattr(str(node['node']))}>")
        lines += [f'      <data key="{k}">{escape(_value(v))}</data>' for k, v in node.items() if k != "node"]
        lines.append("    </node>")
    for edge in edges:
        lines.append(f"    <edge source={quoteattr(str(edge['source']))} target={quoteattr(str(edge['target']))}>")
        lines += [
            f'      <data key="{k}">{escape(_value(v))}</data>'
            for k, v in edge.items()
            if k not in ("source", "target")
        ]
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


def _csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows({k: _value(v) for k, v in row.items()} for row in rows)


def write_networks(export: NetworkExport, rules: NetworkRules, folder: Path, now: int) -> list[Path]:
    """``networks.graphml``, ``nodes.csv``, ``edges.csv`` and ``params.json`` in ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = [_node_row(node) for node in export.nodes]
    edges = [_edge_row(edge, rules) for edge in export.edges]
    paths = [folder / name for name in ("networks.graphml", "nodes.csv", "edges.csv", "params.json")]
    paths[0].write_text(_graphml(nodes, edges), encoding="utf-8")
    _csv(paths[1], NODE_COLUMNS, nodes)
    _csv(paths[2], EDGE_COLUMNS, edges)
    params = {
        "exported_at": _iso(now),
        "networks": list(export.networks),
        "rules": {**asdict(rules), "window_hours": rules.window / 3600},
        "notes": (
            "Networks with at least one verified campaign. An account is named only if it posted a verified "
            "campaign, has a public link and is not protected; the others are named for this export only "
            "(a1, a2, ...). Edge weights leave out being reported together: nothing about reporters is exported."
        ),
    }
    paths[3].write_text(json.dumps(params, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return paths
