"""Passages embedded beside the ingest (kg.early_embed): the vectors the engine's embedder gives, from processes
that start only for a large ingest, run at idle priority, put asked-for texts first and stop with the ingest."""

import os
from pathlib import Path

import numpy as np
import pytest

from kg.early_embed import EarlyEmbedder
from kg.index import Embedder, embed_threads, text_hash
from nlp.read import read
from nlp.segment import segment
from tests.data import SEEDS


@pytest.fixture(scope="module")
def texts():
    """The distinct passages of the first seed file's first plan (over a hundred)."""
    return sorted({p.text for p in segment(read(sorted(SEEDS.glob("*"))[0])[0])})[:300]


@pytest.fixture(scope="module")
def local():
    return Embedder(precision="float32")


def test_a_short_ingest_embeds_here_without_a_process(texts, local):
    early = EarlyEmbedder(lambda: local, least=len(texts) + 1)
    early.prefetch(texts)
    assert early._processes == []
    assert np.array_equal(early.encode(texts[:5]), local.encode(texts[:5]))


def test_the_processes_give_the_embedders_vectors_at_idle_priority(texts, local):
    with EarlyEmbedder(lambda: local, precision="float32", least=100) as early:
        early.prefetch(texts[:50])
        assert early._processes == []  # fewer than `least` so far
        early.prefetch(texts[50:])
        assert len(early._processes) == 1  # the model loads once; the process forks its copies after
        unseen = ["A passage no file held: the council's unseen plan for 2031/32."]
        v = early.encode(unseen + texts)  # asked-for texts come first, then those already queued
        first = early._processes[0].pid
        pids = [first, *map(int, Path(f"/proc/{first}/task/{first}/children").read_text().split())]
        assert len(pids) == embed_threads()  # one single-threaded process per core the model would use
        policies = {os.sched_getscheduler(p) for p in pids}
    assert policies == {os.SCHED_IDLE}
    assert v.shape == (len(texts) + 1, 384)
    assert float((v * local.encode(unseen + texts)).sum(axis=1).min()) > 0.9999
    assert early._processes == [] and not any(Path(f"/proc/{p}").exists() for p in pids)


def test_known_texts_are_not_sent_again(texts, local):
    known, new = texts[:100], texts[100:]
    with EarlyEmbedder(lambda: local, known=lambda: {text_hash(t) for t in known}, least=len(new) + 1) as early:
        early.prefetch(texts)
        assert early._processes == [] and early._sent == set()  # the new texts are one short of `least`
        early.prefetch(["one more passage"])
        assert early._sent == {text_hash(t) for t in [*new, "one more passage"]}


def test_when_the_processes_die_what_they_left_is_embedded_here(texts, local):
    with EarlyEmbedder(lambda: local, least=10) as early:
        early.prefetch(texts)
        for p in early._processes:
            p.kill()
            p.join()
        v = early.encode(texts[:20])
    assert float((v * local.encode(texts[:20])).sum(axis=1).min()) > 0.999
