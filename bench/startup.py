"""Start-up of the command line: `readybot --help` and `readybot ready help`, against
`python -c pass` in the same run (interleaved, so the shared machine's noise hits all three).

    python -m bench.startup [--runs 15] [--imports]

Each run is a fresh process, timed by wall clock from spawn to exit, after a first untimed
run of each. `ready help` runs in a scratch directory with DATABASE_URL set to a SQLite file
there, as any one-shot command would; it answers from the verbs' declarations without
opening it (bot.cli `_help`), and the run fails if the file appears. `--imports` adds the
modules `python -X importtime` charges most to `ready help`.

Targets (issue 14): `--help` under 150 ms, `ready help` under 300 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS_MS = {"readybot --help": 150.0, "readybot ready help": 300.0}


def _commands() -> dict[str, list[str]]:
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        # What any command with a database imports before readybot's own code: the floor.
        "import sqlmodel, pydantic_settings": [
            python,
            "-c",
            "import sqlmodel, pydantic_settings",
        ],
        "readybot --help": [python, "-m", "bot.cli", "--help"],
        "readybot ready help": [python, "-m", "bot.cli", "ready", "help"],
    }


def _env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "READYBOT_"))}
    env["DATABASE_URL"] = f"sqlite:///{workdir / 'startup.db'}"
    env.pop("LOG_LEVEL", None)
    # bot.cli from this checkout, whichever directory the process starts in.
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env


def _once(argv: list[str], *, cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def _imports(argv: list[str], *, cwd: Path, env: dict[str, str], top: int = 15) -> list[str]:
    """The modules with the most cumulative import time, outermost first within a chain."""
    done = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m[2]) / 1000, len(m[3]) // 2, m[4]))
    rows.sort(reverse=True)
    return [f"  {ms:7.1f} ms  {'  ' * depth}{name}" for ms, depth, name in rows[:top]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--imports", action="store_true", help="show the costliest imports")
    args = parser.parse_args(argv)
    commands = _commands()
    with tempfile.TemporaryDirectory(prefix="readybot-startup-") as tmp:
        workdir = Path(tmp)
        env = _env(workdir)
        for cmd in commands.values():  # warm the page cache
            _once(cmd, cwd=workdir, env=env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(_once(cmd, cwd=workdir, env=env))
        if (workdir / "startup.db").exists():
            raise SystemExit("`ready help` opened the database: it should answer without it")
        base = statistics.median(times["python -c pass"])
        print(f"{args.runs} runs each, interleaved; wall ms from spawn to exit")
        print("| command | median ms | min ms | × python -c pass | target | met |")
        print("|---|---|---|---|---|---|")
        for name, ts in times.items():
            med = statistics.median(ts)
            target = TARGETS_MS.get(name)
            met = "-" if target is None else ("yes" if med < target else "no")
            shown = f"{target:.0f} ms" if target else "-"
            print(f"| {name} | {med:.0f} | {min(ts):.0f} | {med / base:.1f}× | {shown} | {met} |")
        if args.imports:
            print("\nimport time, cumulative (python -X importtime), `readybot ready help`:")
            print("\n".join(_imports(commands["readybot ready help"], cwd=workdir, env=env)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
