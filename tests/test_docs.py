"""Every setting is documented in README; README opens with the two commands CI relies on."""

import re
from pathlib import Path

import pytest

from kubeatlas.settings import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.env for s in SETTINGS])
def test_setting_is_documented(setting):
    assert setting.env in README, f"{setting.env} missing from README"


def test_readme_opens_with_two_commands():
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", README, re.S)
    assert block, "README needs a first code block"
    lines = [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 2, lines
    assert "kubeatlas index" in lines[0]
    assert "pytest" in lines[1]


MINI_README = (Path(__file__).resolve().parents[1] / "minik8s" / "README.md").read_text(
    encoding="utf-8")


def _command_lines(text: str) -> list[str]:
    """Every `kubeatlas …` command of the docs' bash blocks, comments cut off."""
    lines = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            code = re.split(r"\s#\s|\s{2,}#", line)[0]
            lines += [p.strip() for p in re.split(r"&&|\|\s", code)
                      if p.strip().startswith("kubeatlas ")]
    return lines


@pytest.mark.parametrize("line", _command_lines(README) + _command_lines(MINI_README))
def test_every_command_the_docs_show_is_one_the_cli_has(line):
    import click

    from kubeatlas.app.cli import cli

    ctx = click.Context(cli)
    words = line.split()
    for name in words[1].split("|"):  # `callers|callees FUNC`
        command = cli.get_command(ctx, name)
        assert command is not None, f"no command {name!r}: {line}"
        rest = words[2:]
        if isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
            command = command.get_command(ctx, rest[0])
            assert command is not None, f"no command {words[1]} {rest[0]}: {line}"
        options = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for option in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", " ".join(rest)):
            assert option in options, f"{name} has no {option}: {line}"


def _readme_chain() -> list[tuple[str, ...]]:
    """The rows of README's example chain: step, how, node, file (lines differ per tree)."""
    block = README.split("The path from the kubelet to the container runtime", 1)[1]
    table = block.split("```", 2)[1]
    rows = [[c.strip() for c in ln.strip("│").split("│")] for ln in table.splitlines()
            if ln.startswith("│")]
    return [(step, how, node, where.rsplit(":", 1)[0]) for step, how, node, where in rows]


def test_readme_example_chain_is_what_path_prints(ktree_db):
    """The fixture tree holds the same chain (at other lines): README shows the CLI's output."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "kubeatlas", "path",
                           "kuberuntime.(*kubeGenericRuntimeManager).SyncPod",
                           "remote.(*remoteRuntimeService).RunPodSandbox", "--db", str(ktree_db)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    printed = [[c.strip() for c in ln.strip("│").split("│")] for ln in proc.stdout.splitlines()
               if ln.startswith("│")]
    assert [(s, h, n, w.rsplit(":", 1)[0]) for s, h, n, w in printed] == _readme_chain()
    assert proc.stdout.splitlines()[0].strip() == "3 hops"


def test_readme_did_you_mean_is_what_the_cli_says(ktree_db):
    import subprocess
    import sys

    said = re.search(r"`path Scheduler\.Run scheduleOne`: `(did you\s+mean '[^']+'\?)`", README)
    assert said, "README's example of a misspelled name"
    proc = subprocess.run([sys.executable, "-m", "kubeatlas", "path", "Scheduler.Run",
                           "scheduleOne", "--db", str(ktree_db)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and " ".join(said.group(1).split()) in proc.stderr
