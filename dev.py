#!/usr/bin/env python3
"""Set up a local virtual environment (.venv) and run Roundtable or its tests.

    python3 dev.py run        # set up, then start the bot (the playground without credentials)
    python3 dev.py test       # set up, then lint and run the whole test suite
    python3 dev.py console --script examples/peerfest.txt   # any other roundtable command
    python3 dev.py mutate outcome weighted   # mutation testing (slow; see docs/testing.md)

Only the Python standard library is used here, so this works on a fresh machine with
Python 3.11. The environment is made once and reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _python() -> Path:
    return BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (with ``extras``) unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must explain itself on old Pythons
        sys.exit("Roundtable needs Python 3.11 or newer; this is " + sys.version.split()[0])
    if not _python().exists():
        print("Creating a virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}-{extras or 'runtime'}"
    # The dev install includes everything the runtime needs.
    if stamp.exists() or (not extras and (VENV / f".installed-{digest}-dev").exists()):
        return
    print(f"Installing Roundtable and its dependencies ({extras or 'runtime'}) ...", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(_python()), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "-e", target], cwd=ROOT, check=True)
    for old in VENV.glob(".installed-*"):
        if not old.name.startswith(f".installed-{digest}-"):
            old.unlink()
    stamp.touch()


def compile_words() -> None:
    """Compile the message catalogues (bot/locale/*/*.po) into the .mo files gettext reads.

    Cheap, so done at every start; if it fails the bot still compiles them in memory.
    """
    subprocess.run([str(_python()), "-m", "bot.i18n", "compile"], cwd=ROOT,
                   stdout=subprocess.DEVNULL, check=False)


# -- mutation testing -----------------------------------------------------------------------

#: Each module mutation testing covers, with the test files run against its mutants (globs;
#: files that do not exist are skipped). Not part of ``dev.py test``: it takes minutes per module.
_COUNTING = ("tests/bot/counting/test_counting*.py", "tests/bot/counting/test_ranked*.py",
             "tests/bot/counting/test_outcome*.py", "tests/bot/test_known_answers.py",
             "tests/bot/counting/test_welsh*.py")
MUTATE: dict[str, tuple[str, ...]] = {
    "bot/counting/tallies.py": _COUNTING,
    "bot/counting/common.py": _COUNTING,
    "bot/counting/ranked.py": _COUNTING,
    "bot/counting/rules.py": ("tests/bot/counting/test_rules*.py",
                              "tests/bot/counting/test_weighted*.py",
                              "tests/bot/counting/test_welsh*.py",
                              "tests/bot/coproduction/test_answers.py"),
    "bot/counting/outcome.py": ("tests/bot/counting/test_outcome*.py",
                                "tests/bot/counting/test_weighted*.py",
                                "tests/bot/counting/test_welsh*.py",
                                "tests/bot/counting/test_rules*.py"),
    "bot/counting/weighted.py": ("tests/bot/counting/test_weighted*.py",
                                 "tests/bot/counting/test_welsh*.py",
                                 "tests/bot/counting/test_rules*.py",
                                 "tests/bot/counting/test_outcome*.py"),
    "bot/anonymity.py": ("tests/bot/test_anonymity.py", "tests/bot/test_anonymity_attacks.py",
                         "tests/bot/test_known_answers.py"),
    "storage/closing.py": ("tests/storage/test_closing*.py", "tests/bot/test_anonymity_attacks.py"),
    "bot/timing/job_runner.py": ("tests/bot/timing/test_timing*.py",
                                 "tests/bot/timing/test_timekeeper.py",
                                 "tests/bot/polls/test_announce.py",
                                 "tests/bot/timing/test_job_runner_boundaries.py"),
}
#: Packages copied into mutmut's ``mutants/`` folder, so tests import nothing from the tree.
PACKAGES = ("bot", "storage", "adapters", "roundtable")
#: Left out of the temporary copy.
SKIP = shutil.ignore_patterns(".git", ".venv", "mutants", "__pycache__", "*.egg-info",
                              ".pytest_cache", ".ruff_cache", ".hypothesis", "roundtable.db*")
#: mutmut's exit codes, grouped as this report counts them (mutmut.stats.status_by_exit_code).
KILLED = {1, 3, 24, -24, 152, 255, 36, 37, -9, -11}  # failed, timed out or crashed
SURVIVED = {0}
NO_TESTS = {5, 33}


def _module(name: str) -> str:
    """``outcome``, ``bot/outcome.py`` or ``bot.outcome`` -> the key in ``MUTATE``."""
    plain = name.removesuffix(".py").replace(".", "/")
    found = [m for m in MUTATE if m.removesuffix(".py") == plain
             or m.removesuffix(".py").endswith("/" + plain)]
    if not found and plain == "counting":  # the wing's tallies and what they share
        found = ["bot/counting/tallies.py"]
    if not found:
        sys.exit(f"unknown module {name!r}; choose from: {', '.join(MUTATE)}")
    return found[0]


def _test_files(module: str) -> list[str]:
    files: list[str] = []
    for pattern in MUTATE[module]:
        files += sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern))
    return list(dict.fromkeys(files))


def _mutmut_config(module: str, tests: list[str], also_copy: list[str]) -> str:
    """The ``[tool.mutmut]`` table for one module's run, appended to the copy's pyproject."""
    def array(items: list[str]) -> str:
        return "[" + ", ".join(json.dumps(item) for item in items) + "]"

    return "\n".join([
        "", "", "# Written by dev.py mutate, in a temporary copy only.", "[tool.mutmut]",
        f"source_paths = {array(list(PACKAGES))}",
        f"only_mutate = {array([module])}",
        f"pytest_add_cli_args_test_selection = {array(tests)}",
        f"also_copy = {array(also_copy)}",
        "use_git_change_detection = false", "",
    ])


def _mutate_one(module: str, where: Path, jobs: int, verbose: bool) -> dict:
    """Copy the repository to ``where``, run mutmut on ``module`` there, return its results."""
    tests = _test_files(module)
    shutil.copytree(ROOT, where, ignore=SKIP, dirs_exist_ok=True)
    pyproject = where / "pyproject.toml"
    text = pyproject.read_text()
    if "[tool.mutmut]" in text:
        sys.exit("pyproject.toml has its own [tool.mutmut]; dev.py mutate writes one per run")
    also_copy = sorted(p.name for p in where.iterdir()
                       if p.name not in (*PACKAGES, "tests", "pyproject.toml"))
    pyproject.write_text(text + _mutmut_config(module, tests, also_copy))
    log = where / "mutmut.log"
    print(f"== {module}: mutmut in {where} with {len(tests)} test files (log: {log})",
          flush=True)
    with log.open("w") as out:
        run = subprocess.run([str(_python()), "-m", "mutmut", "run", "--max-children", str(jobs)],
                             cwd=where, stdout=None if verbose else out,
                             stderr=subprocess.STDOUT if not verbose else None)
    meta = where / "mutants" / f"{module}.meta"
    if run.returncode or not meta.exists():
        tail = "" if verbose else "\n".join(log.read_text().splitlines()[-30:])
        print(f"mutmut failed on {module} (exit {run.returncode}).\n{tail}", file=sys.stderr)
        return {"module": module, "failed": True}
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    killed = sorted(k for k, v in codes.items() if v in KILLED)
    survived = sorted(k for k, v in codes.items() if v in SURVIVED)
    untested = sorted(k for k, v in codes.items() if v in NO_TESTS)
    other = sorted(k for k, v in codes.items()
                   if v not in KILLED | SURVIVED | NO_TESTS)
    return {"module": module, "failed": False, "mutants": len(codes), "killed": killed,
            "survived": survived, "untested": untested, "other": other}


def _report(result: dict, where: Path | None) -> None:
    if result["failed"]:
        return
    judged = len(result["killed"]) + len(result["survived"]) + len(result["untested"])
    score = 100 * len(result["killed"]) / judged if judged else 100.0
    print(f"{result['module']}: {result['mutants']} mutants, {len(result['killed'])} killed, "
          f"{len(result['survived'])} survived, {len(result['untested'])} not run by any test, "
          f"score {score:.1f}%")
    for label, names in (("survived", result["survived"]), ("no tests", result["untested"]),
                         ("not judged (suspicious, skipped or not checked)", result["other"])):
        for name in names:
            print(f"  {label}: {name}")
    if where is not None and (result["survived"] or result["untested"]):
        print(f"  see one: cd {where} && {_python()} -m mutmut show <name>")


def mutate(argv: list[str]) -> int:
    """``dev.py mutate [module ...] [--keep DIR] [--jobs N] [--verbose]``: mutation testing."""
    parser = argparse.ArgumentParser(
        prog="dev.py mutate",
        description="Mutation testing with mutmut, one module at a time, each in a temporary "
                    "copy of the repository. Modules: " + ", ".join(MUTATE))
    parser.add_argument("modules", nargs="*", help="e.g. outcome or bot/outcome.py (default: all)")
    parser.add_argument("--keep", metavar="DIR", type=Path,
                        help="run in DIR/<module> and keep it, to inspect survivors with "
                             "`mutmut show`")
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) // 2),
                        help="mutants tested at once (default: half the cores; always 1 "
                             "when ROUNDTABLE_TEST_POSTGRES_URL is set)")
    parser.add_argument("--verbose", action="store_true", help="show mutmut's own output")
    args = parser.parse_args(argv)
    ensure_venv("dev")
    if os.environ.get("ROUNDTABLE_TEST_POSTGRES_URL") and args.jobs != 1:
        # The PostgreSQL tests drop and recreate every table in that one database, so two
        # mutants tested at once would break each other's tests and count as killed.
        print("ROUNDTABLE_TEST_POSTGRES_URL is set: testing one mutant at a time.", flush=True)
        args.jobs = 1
    modules = list(dict.fromkeys(_module(m) for m in args.modules)) or list(MUTATE)
    failed = False
    for module in modules:
        stem = module.removesuffix(".py").replace("/", "-")
        if args.keep is not None:
            where = args.keep.resolve() / stem
            if where.exists():
                shutil.rmtree(where)
            where.parent.mkdir(parents=True, exist_ok=True)
            result = _mutate_one(module, where, args.jobs, args.verbose)
            _report(result, where)
        else:
            with tempfile.TemporaryDirectory(prefix=f"roundtable-mutate-{stem}-") as tmp:
                result = _mutate_one(module, Path(tmp) / "repo", args.jobs, args.verbose)
                _report(result, None)
        failed = failed or result["failed"]
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    """Dispatch: ``test``, ``run``, ``mutate`` or any ``roundtable`` subcommand."""
    command, rest = (argv[0], argv[1:]) if argv else ("run", [])
    if command == "mutate":
        return mutate(rest)
    if command == "test":
        ensure_venv("dev")
        compile_words()
        lint = subprocess.run([str(_python()), "-m", "ruff", "check", "."], cwd=ROOT)
        # The architecture's import contracts (pyproject.toml, docs/architecture.md).
        contracts = subprocess.run([str(BIN / "lint-imports")], cwd=ROOT)
        tests = subprocess.run([str(_python()), "-m", "pytest", *rest], cwd=ROOT)
        return tests.returncode or lint.returncode or contracts.returncode
    ensure_venv("")
    compile_words()
    return subprocess.run([str(BIN / "roundtable"), command, *rest]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
