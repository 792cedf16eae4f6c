"""Sessions for users and CI: `nox -s clean` cleans seeds/ into out/, `nox -s tests` runs the tests."""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True
PYTHON = "3.11"


@nox.session(python=PYTHON)
def clean(session: nox.Session) -> None:
    """Clean the seed articles into out/ (extra arguments go to `corpuskit clean`)."""
    session.install(".")
    args = session.posargs or ["seeds", "--out", "out"]
    session.run("corpuskit", "clean", *args)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite (browser tests run where Debian's chromium is installed; slow ones excluded)."""
    session.install("-e", ".[test,dask,parquet,zstd]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def slow(session: nox.Session) -> None:
    """The slow tests: fuzzing, very large inputs, kill-and-resume."""
    session.install("-e", ".[test,dask,parquet,zstd]")
    session.run("pytest", "-m", "slow", *session.posargs)


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """Fuzz readers, decoder, HTML extraction and the cleaning laws with many examples."""
    session.install("-e", ".[test,zstd]")
    examples = os.environ.get("CORPUSKIT_FUZZ_EXAMPLES", "5000")
    session.run("pytest", "-m", "slow", "tests/reliability/test_fuzz.py", "-k", "not megabyte and not huge",
                *session.posargs, env={"CORPUSKIT_FUZZ_EXAMPLES": examples})  # fmt: skip


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")


@nox.session(python=PYTHON)
def report(session: nox.Session) -> None:
    """Clean the seeds and render their review report (out/report.html)."""
    session.install(".")
    session.run("corpuskit", "clean", "seeds", "--out", "out", "--quiet")
    session.run("corpuskit", "report", "out", "--format", "html")


@nox.session(python=PYTHON)
def evaluate(session: nox.Session) -> None:
    """Score both cleaning paths and trafilatura on ../shared/bench (dev / test / all)."""
    session.install(".")
    session.run("python", "benchmarks/evaluate.py", *session.posargs)


@nox.session(python=PYTHON)
def datatrove_env(session: nox.Session) -> None:
    """datatrove in a venv of its own (it pins an old trafilatura): the baseline of `bench`."""
    session.install("datatrove[processing]==0.10.1", "spacy", "orjson")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Speed ratios against baselines measured in the same run (results in benchmarks/results/).

    Run `nox -s datatrove_env bench` to include datatrove; pass `-- --n 2000` etc. to size the corpora.
    """
    session.install("-e", ".[dask]", "scipy")
    datatrove = Path(".nox/datatrove_env/bin/python")
    extra = ["--datatrove-python", str(datatrove)] if datatrove.exists() else []
    session.run("python", "benchmarks/bench_neardup.py", *extra)
    session.run("python", "benchmarks/bench_pipeline.py", *extra, *session.posargs)
    session.run("python", "benchmarks/clean_by_language.py", "--n", "10000", "--seed", "0")
