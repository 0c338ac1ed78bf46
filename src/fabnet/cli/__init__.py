"""The ``fabnet`` command line: parse, call the library, print. No domain logic lives here.

One module per command group (:mod:`~fabnet.cli.scenario`: validate, schema, catalog;
:mod:`~fabnet.cli.gap`; :mod:`~fabnet.cli.backcast`; :mod:`~fabnet.cli.plan`;
:mod:`~fabnet.cli.finance`: finance, compare; :mod:`~fabnet.cli.risk`; :mod:`~fabnet.cli.fab`:
the ``fabnet fab`` group). What the commands share
is defined once: the arguments and options in :mod:`fabnet.cli._options`, and the consoles, the
exit codes and the solver's progress in :mod:`fabnet.cli._shared`. Importing this package imports
no heavy library: each command imports what it needs when it runs, so ``fabnet --help`` is
instant.

Root options (before the command): ``-v``/``--verbose`` (the ``fabnet`` logger on stderr, INFO;
``-vv`` DEBUG) and ``-q``/``--quiet`` (no progress).

Exit codes: 0 success, 1 internal error, 2 bad input (scenario, parameter, usage, an output path
that cannot be used, a damaged saved result), 3 infeasible plan, 4 catalog integrity failure,
5 no plan from the solver, 6 a disk error (read-only or full file system, no permission),
130 interrupted (see :mod:`fabnet.cli._shared` and :mod:`fabnet.exceptions`). Output paths are
checked and locked before a command's work (:func:`fabnet.cli._shared.outputs`).

A new command is a function in its group's module, registered in :data:`COMMANDS` below (in the
order ``fabnet --help`` lists them) with its examples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from fabnet._version import __version__
from fabnet.cli import backcast, fab, finance, gap, plan, risk, scenario
from fabnet.cli._shared import RUN, Run, guarded

__all__ = ["COMMANDS", "app", "main"]

app = typer.Typer(
    name="fabnet",
    help="Plan a global network of AI-chip fabs: demand, supply, the gap, the plan, the money"
    " and the risk.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: Every command with its epilog (examples), in the order ``fabnet --help`` lists them.
COMMANDS: tuple[tuple[Callable[..., None], str], ...] = (
    (scenario.validate, scenario.VALIDATE_EXAMPLES),
    (gap.gap, gap.EXAMPLES),
    (backcast.backcast, backcast.EXAMPLES),
    (plan.plan, plan.EXAMPLES),
    (finance.finance, finance.FINANCE_EXAMPLES),
    (finance.compare, finance.COMPARE_EXAMPLES),
    (risk.risk, risk.EXAMPLES),
    (scenario.schema, scenario.SCHEMA_EXAMPLES),
    (scenario.catalog, scenario.CATALOG_EXAMPLES),
)
for _command, _epilog in COMMANDS:
    app.command(epilog=_epilog)(guarded(_command))
for _command, _epilog in fab.COMMANDS:
    fab.app.command(epilog=_epilog)(guarded(_command))
app.add_typer(fab.app, name="fab")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fabnet {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Log what fabnet does on stderr: -v the steps (INFO), -vv more (DEBUG).",
        ),
    ] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress display or lines on stderr.")
    ] = False,
) -> None:
    """Plan a global network of AI-chip fabs.

    Scenarios are YAML files or built-in names (`altman-2024`). Every figure fabnet uses comes
    from a sourced reference catalog (`fabnet catalog`). Options before the command apply to
    it: `fabnet -v plan`, `fabnet --quiet risk`.
    """
    del version  # handled by its eager callback
    RUN.set(Run(verbose=verbose, quiet=quiet))


def main() -> None:
    """Entry point of the ``fabnet`` command."""
    app()
