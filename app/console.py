"""Terminal output: rich progress for long work, tables for answers, one-line errors."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

out = Console(highlight=False)
if not out.is_terminal:  # pipes and CI logs: wide tables rather than folded ids
    out = Console(highlight=False, width=200)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # a message is one line, however long


class RichProgress:
    """The pipeline's Progress, drawn with rich (only when stderr is a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description:<12}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True,
            disable=not enabled,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def start(self, phase: str, total: int | None) -> None:
        if self._task is not None:
            self._progress.update(self._task, visible=False)
        self._task = self._progress.add_task(phase, total=total)

    def advance(self, n: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)


def print_json(data: Any) -> None:
    """Strict JSON: Infinity and NaN (which SQL can return) become null, never bare tokens."""
    sys.stdout.write(json.dumps(_finite(data), indent=2, sort_keys=True, default=list,
                                allow_nan=False) + "\n")


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [_finite(v) for v in value]
    return value


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                caption: str | None = None) -> None:
    keyed = all(not c for c in columns)  # a key/value card: no header row
    table = Table(title=title, caption=caption, title_justify="left", show_lines=False,
                  show_header=not keyed)
    for index, column in enumerate(columns):
        table.add_column(column, overflow="fold", style="bold" if keyed and index == 0 else None,
                         max_width=None if keyed and index == 0 else 120)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)


def print_error(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False,
              soft_wrap=True)  # one line, however long: logs and scripts read it
