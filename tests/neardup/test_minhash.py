"""Signatures equal datasketch's bit for bit (default and legacy schemes); the fast mode is stable."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from corpuskit.neardup.minhash import EMPTY, Hasher, permutations
from corpuskit.neardup.shingles import fold, shingle_bounds, shingle_bytes

TEXTS = [
    "",
    "one",
    "two words only",
    "The quick brown fox jumps over the lazy dog. The quick brown fox jumps again!",
    "Ünïcödé façade — naïve café, 東京 2024; l'été à Zürich.\n\nSecond   paragraph,\twith tabs.",
    " ".join(f"w{i % 97}" for i in range(3000)),
]


def datasketch_signature(text: str, scheme: str, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    minhash = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)
    minhash.update_batch(shingle_bytes(text, 5))
    return minhash.hashvalues


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize("text", TEXTS)
def test_bit_equal_to_datasketch(scheme: str, text: str) -> None:
    ours, _ = Hasher(scheme, 128, 1).sign(text, 5)
    theirs = datasketch_signature(text, scheme)
    assert ours.dtype == np.uint32
    assert np.array_equal(ours.astype(np.uint64), theirs.astype(np.uint64))


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_other_seed_and_size_still_equal(scheme: str) -> None:
    text = TEXTS[3] + " " + TEXTS[4]
    ours, _ = Hasher(scheme, 64, 7).sign(text, 5)
    assert np.array_equal(ours.astype(np.uint64), datasketch_signature(text, scheme, 64, 7).astype(np.uint64))


def test_default_scheme_is_datasketchs_default() -> None:
    assert MinHash().scheme == Hasher().mode


def test_update_loop_gives_the_same_as_our_batch() -> None:
    minhash = MinHash(num_perm=128, seed=1)
    for shingle in shingle_bytes(TEXTS[3], 5):
        minhash.update(shingle)
    assert np.array_equal(Hasher().sign(TEXTS[3])[0], minhash.hashvalues)


def test_to_datasketch_round_trip_and_jaccard() -> None:
    hasher = Hasher()
    a, _ = hasher.sign(TEXTS[3])
    b, _ = hasher.sign(TEXTS[3] + " and one more sentence here")
    lean_a, lean_b = hasher.to_datasketch(a), hasher.to_datasketch(b)
    assert np.array_equal(lean_a.hashvalues, a)
    assert lean_a.jaccard(lean_b) == pytest.approx(float((a == b).mean()))


def test_empty_text_signature_is_all_max() -> None:
    for mode in ("affine32", "legacy", "fast"):
        signature, _ = Hasher(mode).sign("  ... !!! ")
        assert (signature == EMPTY).all()


@pytest.mark.parametrize("mode", ["affine32", "legacy", "fast"])
@pytest.mark.parametrize("columns, block_bytes", [(1 << 14, 1 << 19), (40, 1), (1, 1 << 19)])
def test_sign_many_equals_sign(
    mode: str, columns: int, block_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batched signing (products over chunks of shingles and blocks of permutations, documents cut
    by chunk edges) changes nothing."""
    import corpuskit.neardup.minhash as minhash

    monkeypatch.setattr(minhash, "_COLUMNS", columns)
    monkeypatch.setattr(minhash, "_BLOCK_BYTES", block_bytes)
    texts = TEXTS + ["", "  ... !!! "] + TEXTS[::-1] + [TEXTS[5] + " tail words here"] * 2
    hasher = Hasher(mode, 64, 3)
    for ngram in (1, 5, 7):
        matrix, keys = hasher.sign_many(texts, ngram)
        one_by_one = [hasher.sign(text, ngram) for text in texts]
        assert matrix.dtype == np.uint32 and matrix.shape == (len(texts), 64)
        assert np.array_equal(matrix, np.vstack([sig for sig, _ in one_by_one]))
        assert keys.tolist() == [key for _, key in one_by_one]
    empty, no_keys = hasher.sign_many([], 5)
    assert empty.shape == (0, 64) and no_keys.shape == (0,)


def test_fast_mode_is_deterministic_and_estimates_jaccard() -> None:
    hasher = Hasher("fast", 256, 3)
    base = " ".join(f"token{i}" for i in range(400))
    edited = " ".join(f"token{i}" if i % 50 else f"changed{i}" for i in range(400))
    first, _ = hasher.sign(base)
    assert np.array_equal(first, Hasher("fast", 256, 3).sign(base)[0])
    other, _ = hasher.sign(edited)
    a = set(shingle_bytes(base))
    b = set(shingle_bytes(edited))
    exact = len(a & b) / len(a | b)
    assert abs(float((first == other).mean()) - exact) < 0.08
    assert not np.array_equal(first, Hasher("affine32", 256, 3).sign(base)[0])


def test_fast_hash_depends_on_every_byte_of_a_shingle() -> None:
    from corpuskit.neardup.minhash import poly_hashes

    folded = fold("alpha beta gamma delta epsilon alpha beta gamma delta epsilom")
    starts, ends = shingle_bounds(folded, 5)
    hashes = poly_hashes(folded, starts, ends)
    spans = [folded[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    for i, span in enumerate(spans):
        for j, other in enumerate(spans):
            assert (hashes[i] == hashes[j]) == (span == other)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="hashing must be one of"):
        Hasher("md5")


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_permutations_are_datasketchs(scheme: str) -> None:
    if not hasattr(MinHash(num_perm=2), "scheme"):
        pytest.skip("the installed datasketch predates permutation schemes")
    theirs = MinHash(num_perm=64, seed=5, scheme=scheme).permutations
    a, b = permutations(scheme, 64, 5)
    assert np.array_equal(a, np.asarray(theirs[0], dtype=a.dtype))
    assert np.array_equal(b, np.asarray(theirs[1], dtype=b.dtype))
