"""Promise 3: a killed run never leaves a corpus that looks complete, and ``resume`` finishes it
with exactly the output an uninterrupted run gives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_helpers import CLI, SEEDS, article, check_accounting, outputs_bytes

from corpuskit.checkpoint import CHECKPOINT_DIR
from corpuskit.config import Config
from corpuskit.pipeline import Pipeline
from corpuskit.runner import clean_to_dir
from corpuskit.stages.base import DocumentStage


def _corpus(root: Path, files: int) -> Path:
    """``files`` small articles, some in JSONL, with a few near-duplicates (so dedup state matters)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (root / f"a{i:04d}.txt").write_text(article(i) + f"\nThis is item {i}.\n")
    lines = [json.dumps({"id": f"j{i}", "text": article(i % 7)}) for i in range(12)]
    (root / "batch.jsonl").write_text("\n".join(lines) + "\n")
    return root


class Interrupt(DocumentStage):
    """Raises KeyboardInterrupt (like Ctrl-C) at one document, or does nothing when ``victim`` is None."""

    name = "interrupt"

    def __init__(self, victim: str | None) -> None:
        super().__init__()
        self.victim = victim

    def process(self, doc) -> None:
        if doc.id == self.victim:
            raise KeyboardInterrupt


def _pipeline(config: Config, victim: str | None) -> Pipeline:
    base = Pipeline.from_config(config)
    return Pipeline([Interrupt(victim), *base.stages], config, base.executor)


def _manifest_without_timings(out: Path) -> dict:
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("seconds", "stages", "resumed"):
        manifest.pop(key)
    return manifest


def test_interrupted_run_resumes_to_identical_output(tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "in", 30)
    config = Config().with_overrides(run={"batch_size": 4})  # the checkpoint advances batch by batch
    ref, out = tmp_path / "ref", tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        clean_to_dir([str(inputs)], out, config, pipeline=_pipeline(config, "a0020"), report=False)
    assert not (out / "manifest.json").exists() and not (out / "corpus.jsonl").exists()
    assert (out / CHECKPOINT_DIR / "index.jsonl").read_text().count("\n") >= 10

    (inputs / "a0003.txt").write_text(article(40) + "\nChanged after the crash.\n")  # must be read again
    os.utime(inputs / "a0003.txt", ns=(1, 1))
    clean_to_dir([str(inputs)], ref, config, pipeline=_pipeline(config, None), report=False)
    summary = clean_to_dir([str(inputs)], out, config, pipeline=_pipeline(config, None), report=False, resume=True)

    assert outputs_bytes(out) == outputs_bytes(ref)
    assert _manifest_without_timings(out) == _manifest_without_timings(ref)
    resumed = json.loads((out / "manifest.json").read_text())["resumed"]
    assert 10 <= resumed["files"] < 31, "finished files come from the checkpoint, the changed one does not"
    assert summary.documents_in == summary.kept + summary.rejected
    assert not (out / CHECKPOINT_DIR).exists(), "the checkpoint is removed once the output is committed"


def test_one_big_jsonl_file_resumes_mid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import corpuskit.checkpoint as checkpoint

    monkeypatch.setattr(checkpoint, "SEGMENT_DOCS", 16)
    lines = [json.dumps({"id": f"j{i}", "text": article(i) + f" Line {i}."}) for i in range(120)]
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n")
    config = Config().with_overrides(run={"batch_size": 8})
    inputs = [str(tmp_path / "big.jsonl")]
    with pytest.raises(KeyboardInterrupt):
        clean_to_dir(inputs, tmp_path / "out", config, pipeline=_pipeline(config, "j90"), report=False)
    clean_to_dir(inputs, tmp_path / "ref", config, pipeline=_pipeline(config, None), report=False)
    clean_to_dir(inputs, tmp_path / "out", config, pipeline=_pipeline(config, None), report=False, resume=True)
    assert outputs_bytes(tmp_path / "out") == outputs_bytes(tmp_path / "ref")
    resumed = json.loads((tmp_path / "out" / "manifest.json").read_text())["resumed"]
    assert resumed["files"] == 1 and 64 <= resumed["documents"] <= 90


def test_checkpoint_of_another_config_is_not_used(tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "in", 12)
    config = Config().with_overrides(run={"batch_size": 4})
    with pytest.raises(KeyboardInterrupt):
        clean_to_dir([str(inputs)], tmp_path / "out", config, pipeline=_pipeline(config, "a0010"), report=False)
    other = config.with_overrides(neardup={"threshold": 0.5})
    clean_to_dir([str(inputs)], tmp_path / "out", other, pipeline=_pipeline(other, None), report=False, resume=True)
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["resumed"]["files"] == 0


def test_failed_commit_leaves_no_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between the renames of the final step must not leave a folder that looks complete."""
    import corpuskit.writers as writers

    real_replace, calls = os.replace, []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    clean_to_dir([str(SEEDS)], tmp_path / "out", report=False)  # a previous complete output
    monkeypatch.setattr(writers.os, "replace", flaky_replace)
    with pytest.raises(OSError):
        clean_to_dir([str(SEEDS)], tmp_path / "out", report=False)
    assert not (tmp_path / "out" / "manifest.json").exists()


def _wait_for_lines(path: Path, lines: int, proc: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if path.read_bytes().count(b"\n") >= lines:
                return True
        except OSError:
            pass
        time.sleep(0.01)
    return False


def test_sigkill_mid_run_keeps_previous_output_then_resume_completes(tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "in", 60)
    out, ref = tmp_path / "out", tmp_path / "ref"
    clean_to_dir([str(SEEDS)], out, report=False)  # the previous, complete output
    before = outputs_bytes(out) | {"manifest.json": (out / "manifest.json").read_bytes()}

    (tmp_path / "small-batches.toml").write_text("[run]\nbatch_size = 2\n")
    cmd = [sys.executable, *CLI, "clean", str(inputs), "--out", str(out), "--no-report", "-q", "--workers", "1",
           "--config", str(tmp_path / "small-batches.toml")]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = _wait_for_lines(out / CHECKPOINT_DIR / "index.jsonl", 8, proc, timeout=60)
        assert started and proc.poll() is None, "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    after = outputs_bytes(out) | {"manifest.json": (out / "manifest.json").read_bytes()}
    assert after == before, "a killed run must leave the previous complete output untouched"
    check_accounting(out)

    clean_to_dir([str(inputs)], ref, report=False)
    summary = clean_to_dir([str(inputs)], out, report=False, resume=True)
    assert outputs_bytes(out) == outputs_bytes(ref)
    assert json.loads((out / "manifest.json").read_text())["resumed"]["files"] >= 8
    assert summary.documents_in == 60 + 12
    assert not [p.name for p in out.iterdir() if ".tmp-" in p.name], "stale temporary files are cleaned up"
