"""Every type of journal entry the window records is one a restore can replay (or one whose
entry is its whole effect): otherwise a window restored from an older backup would be
refused the day HQ's copy holds such an entry. Read from the code that records them, so
a new type without a replay step fails here, not at an office."""

from __future__ import annotations

import ast
from pathlib import Path

from counter_app.domain.journal import JournalEntry
from counter_app.services.replay import not_replayable

SOURCE = Path(__file__).resolve().parents[2] / "counter_app"

# The types an f-string first argument of `record` makes, by the text before its "{".
EXPANSIONS = {
    "print.": {"print.printed", "print.failed"},
    "sheet.": {"sheet.used", "sheet.spoiled"},
    "cash.paid_": {"cash.paid_in", "cash.paid_out"},
    "instruction.": {"instruction.accepted", "instruction.disputed"},
}


def _constants(trees: list[ast.Module]) -> dict[str, set[str]]:
    """Every name a string is assigned to (module constants, local variables)."""
    found: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            targets: list[ast.expr] = []
            values: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets, values = node.targets, [node.value]
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, values = [node.target], [node.value]
            for target in targets:
                if isinstance(target, ast.Tuple):  # a, b = "x", {...}
                    pairs = zip(target.elts, getattr(values[0], "elts", []), strict=False)
                else:
                    pairs = zip([target], values, strict=False)
                for name, value in pairs:
                    if (
                        isinstance(name, ast.Name)
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        found.setdefault(name.id, set()).add(value.value)
    return found


def _first_arg_types(node: ast.expr, constants: dict[str, set[str]]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _first_arg_types(node.body, constants) | _first_arg_types(node.orelse, constants)
    if isinstance(node, ast.JoinedStr):
        head = node.values[0]
        prefix = (
            head.value if isinstance(head, ast.Constant) and isinstance(head.value, str) else ""
        )
        assert prefix in EXPANSIONS, f"an f-string entry type this test does not know: {prefix}"
        return EXPANSIONS[prefix]
    if isinstance(node, ast.Name):
        assert node.id in constants, f"an entry type named {node.id} this test cannot read"
        return constants[node.id]
    raise AssertionError(f"an entry type this test cannot read: {ast.dump(node)}")


def recorded_types() -> set[str]:
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in sorted(SOURCE.rglob("*.py"))]
    constants = _constants(trees)
    types: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "rec"  # a Recorder (services/recorder.py)
                and node.args
            ):
                types |= _first_arg_types(node.args[0], constants)
    return types


def test_every_recorded_entry_type_is_replayed_or_journal_only() -> None:
    types = recorded_types()
    # The scan finds the types it must (it is not reading an empty or wrong tree).
    assert {"payment.recorded", "print.printed", "shift.heartbeat", "tamper.detected"} <= types
    assert {"clerk.sign_in_refused", "approval.refused", "ticket.issued"} <= types
    # Recorded only before the window is enrolled, so never among the entries HQ holds
    # beyond a backup (a backup from before enrolment does not ask HQ).
    types -= {"workstation.enrolled"}
    entries = [
        JournalEntry(1, "u", "w", t, "{}", "", "", 0, "", "2026-11-30", "", "") for t in types
    ]
    assert not_replayable(entries) == []
