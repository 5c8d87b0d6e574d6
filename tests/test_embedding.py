"""The passage embedder: the packaged model's vectors as sentence-transformers gives them; bfloat16 arithmetic
gives the vectors float32 gives, and the setting picks it."""

import numpy as np
import pytest

from kg.index import Embedder, native_bfloat16
from kg.settings import Settings
from nlp.read import read
from nlp.segment import segment
from tests.data import SEEDS

QUESTIONS = [
    "What is the target for first-time entrants to the youth justice system?",
    "Who is the Cabinet Member for Adult Social Care?",
    "How many children are looked after by the council?",
]


@pytest.fixture(scope="module")
def texts():
    """The distinct passages of one seed plan (prose, lists and table rows alike)."""
    doc = read(sorted(SEEDS.glob("*"))[0])[0]
    return sorted({p.text for p in segment(doc)})


@pytest.fixture(scope="module")
def both():
    return Embedder(precision="float32"), Embedder(precision="bfloat16")


def test_bfloat16_vectors_are_float32_vectors(texts, both):
    full, half = (e.encode(texts) for e in both)
    assert full.dtype == half.dtype == np.float32 and full.shape == half.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-5)
    assert float((full * half).sum(axis=1).min()) > 0.999


def test_bfloat16_ranks_passages_as_float32_does(texts, both):
    full, half = (e.encode(texts) for e in both)
    for q in QUESTIONS:
        top = [np.argsort(-(m @ e.encode_query(q)))[:5].tolist() for m, e in ((full, both[0]), (half, both[1]))]
        assert top[0] == top[1], q


def test_the_model_gives_the_vectors_sentence_transformers_gives(texts, both):
    """kg.minilm runs the packaged model without sentence-transformers: same vectors, same rankings."""
    from sentence_transformers import SentenceTransformer

    from kg.minilm import model_path

    reference = SentenceTransformer(str(model_path()), device="cpu")
    long = " ".join(texts)  # far past the 256 tokens both cut a passage at
    expected = reference.encode([*texts, long], normalize_embeddings=True)
    got = both[0].encode([*texts, long])
    assert float((expected * got).sum(axis=1).min()) > 0.99999
    for q in QUESTIONS:
        top = [
            np.argsort(-(m[:-1] @ v))[:5].tolist()
            for m, v in ((expected, reference.encode(q)), (got, both[0].encode_query(q)))
        ]
        assert top[0] == top[1], q


def test_precision_setting(monkeypatch):
    assert Settings.load().embed_precision == "auto"
    monkeypatch.setenv("COUNCILKG_EMBED_PRECISION", "float32")
    assert Settings.load().embed_precision == "float32"
    with pytest.raises(ValueError, match="embed_precision must be one of auto, bfloat16, float32"):
        Settings.load(embed_precision="int8")


def test_auto_precision_follows_the_cpu(both):
    assert both[0].bfloat16 is False and both[1].bfloat16 is True
    assert Embedder(precision="auto").bfloat16 is native_bfloat16()
