"""Build a real Argos Translate package (`.argosmodel`) with random weights.

No real bg→en weights can be had offline, so tests and the benchmark make their
own package: a SentencePiece model trained on a little text, a Transformer in
CTranslate2's format with random weights, `metadata.json`, and optionally a
blank spaCy pipeline in `spacy/` so argostranslate's own sentence splitting
works offline. Outputs are nonsense; every code path (tokenise, batch, beam
search, detokenise) is the real one.

Bounding the decoder. Random weights rarely choose `</s>`, so decoding would
run to CTranslate2's default `max_decoding_length` (256), and argostranslate
gives no way to pass a smaller one. CTranslate2 model configs have no such
field either, so the bound is built into the weights instead: one hidden
dimension (`_EOS_DIM`) carries nothing but a decoder position flag (zero
before step `output_length`, large from then on; no token embedding or layer
output writes to it), and only the `</s>` row of the output projection reads
it, against a large negative `</s>` bias. Every hypothesis of every beam thus
ends after exactly `output_length` tokens, whoever calls the model and with
whatever options: xlalign, a hand-written CTranslate2 loop and
argostranslate all decode the same number of steps.

This module must not import argostranslate (the test session isolates Argos
through environment variables that have to be set before that import).
"""
from __future__ import annotations

import io
import json
import os
import random
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_EOS_DIM = 0  # hidden dimension reserved for the "stop now" position flag
_FLAG = 1000.0  # value of that dimension from step `output_length` on
_EOS_GAIN = 100.0  # weight of the flag in the </s> logit
_EOS_BIAS = -600.0  # keeps </s> out of reach until the flag is raised

SHARED_FLORES = Path(
    os.environ.get("XLALIGN_SHARED", Path(__file__).resolve().parents[3] / "shared")
) / "data" / "flores-bg-en-dev"


@dataclass(frozen=True)
class ModelShape:
    """Size of the random Transformer and its SentencePiece vocabulary."""

    encoder_layers: int = 2
    decoder_layers: int = 2
    d_model: int = 64
    ffn_dim: int = 128
    heads: int = 4
    vocab_size: int = 500
    output_length: int = 8  # tokens every translation has (the decoder bound)
    quantization: str = "int8"  # how the weights are stored, as in real Argos packages
    decoder_positions: int = 512  # rows of the learned decoder position table


TINY = ModelShape()
# Transformer-base, the shape of the real Argos/OPUS models.
BASE = ModelShape(
    encoder_layers=6,
    decoder_layers=6,
    d_model=512,
    ffn_dim=2048,
    heads=8,
    vocab_size=8000,
    output_length=32,
)


def flores_lines(limit: int | None = None) -> list[str] | None:
    """FLORES dev Bulgarian + English lines from ../shared, or None when absent."""
    bg, en = SHARED_FLORES / "flores-dev.bg", SHARED_FLORES / "flores-dev.en"
    if not (bg.is_file() and en.is_file()):
        return None
    lines: list[str] = []
    for path in (bg, en):
        with open(path, encoding="utf-8") as fh:
            part = [line.strip() for line in fh if line.strip()]
        lines.extend(part[:limit] if limit else part)
    return lines


_BG_WORDS = (
    "днес утре вчера градът селото правителството министърът председателят хората "
    "децата учените лекарите времето реката морето планината пътят влакът колата "
    "къщата книгата писмото новината историята въпросът отговорът решението "
    "казва каза обяви съобщи иска може трябва ще беше бяха има няма отиде дойде "
    "голям малък нов стар добър лош бърз бавен червен зелен български европейски "
    "и в на с за от по към след преди между около без под над през когато защото "
    "година месец седмица ден час минута първи втори трети много малко всички "
    "София Пловдив Варна Бургас Дунав Родопи Стара планина"
).split()
_EN_WORDS = (
    "today tomorrow yesterday the city village government minister president people "
    "children scientists doctors weather river sea mountain road train car house "
    "book letter news story question answer decision says said announced reported "
    "wants can must will was were has has not went came big small new old good bad "
    "fast slow red green Bulgarian European and in on with for from by to after "
    "before between around without under over through when because year month week "
    "day hour minute first second third many few all Sofia Plovdiv Varna Burgas Danube"
).split()


def generated_lines(n: int = 400, seed: int = 0) -> list[str]:
    """Pseudo-sentences in Bulgarian and English words, for when ../shared is absent."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        words = _BG_WORDS if i % 2 == 0 else _EN_WORDS
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(4, 24)))
        if rng.random() < 0.3:
            sentence += f", {rng.randint(1, 2030)} г." if i % 2 == 0 else f", {rng.randint(1, 2030)}"
        lines.append(sentence[0].upper() + sentence[1:] + rng.choice(".!?."))
    return lines


def train_sentencepiece(
    lines: Sequence[str], vocab_size: int, user_symbols: Sequence[str] = ()
) -> bytes:
    """A unigram SentencePiece model, as Argos packages ship (pieces `<unk>`, `<s>`, `</s>` first).

    `user_symbols` become single pieces (a multilingual model's `__en__` target prefix).
    """
    import sentencepiece as spm

    model = io.BytesIO()
    extra = {"user_defined_symbols": list(user_symbols)} if user_symbols else {}
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,  # a small corpus may not support the requested size
        num_threads=1,
        minloglevel=2,
        **extra,
    )
    return model.getvalue()


def _transformer_spec(shape: ModelShape, vocab: list[str], seed: int):
    """Random-weight Transformer with the decoder bound described in the module docstring."""
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    d, f, v = shape.d_model, shape.ffn_dim, len(vocab)
    eos = vocab.index("</s>")

    def normal(*dims: int, std: float) -> np.ndarray:
        return rng.normal(0.0, std, size=dims).astype(np.float32)

    def layer_norm(ln) -> None:
        ln.gamma = np.ones(d, np.float32)
        ln.beta = np.zeros(d, np.float32)

    def linear(lin, out_dim: int, in_dim: int, *, writes_residual: bool = False) -> None:
        weight = normal(out_dim, in_dim, std=1.0 / np.sqrt(in_dim))
        bias = normal(out_dim, std=0.02)
        if writes_residual:  # leave the flag dimension to the positions alone
            weight[_EOS_DIM] = 0.0
            bias[_EOS_DIM] = 0.0
        lin.weight, lin.bias = weight, bias

    def embeddings() -> np.ndarray:
        emb = normal(v, d, std=1.0 / np.sqrt(d))  # scaled by sqrt(d) at run time
        emb[:, _EOS_DIM] = 0.0
        return emb

    def attention(att, self_attention: bool) -> None:
        layer_norm(att.layer_norm)
        if self_attention:
            linear(att.linear[0], 3 * d, d)
        else:
            linear(att.linear[0], d, d)
            linear(att.linear[1], 2 * d, d)
        linear(att.linear[-1], d, d, writes_residual=True)

    def ffn(spec) -> None:
        layer_norm(spec.layer_norm)
        linear(spec.linear_0, f, d)
        linear(spec.linear_1, d, f, writes_residual=True)

    spec = transformer_spec.TransformerSpec.from_config(
        (shape.encoder_layers, shape.decoder_layers), shape.heads
    )
    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = embeddings()
    # Encoder positions: left unset, CTranslate2 uses sinusoidal encodings.
    layer_norm(enc.layer_norm)
    for layer in enc.layer:
        attention(layer.self_attention, True)
        ffn(layer.ffn)

    dec.embeddings.weight = embeddings()
    positions = normal(shape.decoder_positions, d, std=0.1)
    positions[:, _EOS_DIM] = 0.0
    positions[shape.output_length :, _EOS_DIM] = _FLAG
    dec.position_encodings.encodings = positions
    layer_norm(dec.layer_norm)
    for layer in dec.layer:
        attention(layer.self_attention, True)
        attention(layer.attention, False)
        ffn(layer.ffn)
    # Spread-out logits: fewer near ties, so tiny float differences between
    # batch shapes cannot flip a beam-search decision.
    projection = normal(v, d, std=4.0 / np.sqrt(d))
    projection[:, _EOS_DIM] = 0.0
    projection[eos, _EOS_DIM] = _EOS_GAIN
    bias = np.zeros(v, np.float32)
    bias[eos] = _EOS_BIAS
    dec.projection.weight, dec.projection.bias = projection, bias

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    return spec


def _save_blank_spacy(lang: str, out_dir: Path) -> None:
    """A blank spaCy pipeline: argostranslate adds its rule-based sentencizer to it."""
    import spacy

    try:
        nlp = spacy.blank(lang)
    except ImportError:  # no language class: the multi-language one splits the same way
        nlp = spacy.blank("xx")
    nlp.to_disk(out_dir)


def build_argos_package(
    out_dir: str | os.PathLike,
    *,
    shape: ModelShape = TINY,
    lines: Sequence[str] | None = None,
    from_code: str = "bg",
    to_code: str = "en",
    from_name: str = "Bulgarian",
    to_name: str = "English",
    package_version: str = "1.9",
    argos_version: str = "1.9",
    target_prefix: str = "",
    with_spacy: bool = True,
    seed: int = 0,
) -> Path:
    """Write `translate-{from}_{to}-{version}.argosmodel` into `out_dir`; return its path.

    `lines` is the SentencePiece training text; by default the FLORES dev text
    from ../shared when present (the first 300 lines per side for the tiny
    shape, all for larger ones), generated pseudo-sentences otherwise.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if lines is None:
        lines = flores_lines(limit=300 if shape == TINY else None) or generated_lines(
            400 if shape == TINY else 4000, seed
        )
    import sentencepiece as spm

    sp_bytes = train_sentencepiece(lines, shape.vocab_size, [target_prefix] if target_prefix else ())
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]

    folder = f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"
    metadata = {
        "package_version": package_version,
        "argos_version": argos_version,
        "from_code": from_code,
        "from_name": from_name,
        "to_code": to_code,
        "to_name": to_name,
        "type": "translate",
        "links": [],
        "target_prefix": target_prefix,
    }
    with tempfile.TemporaryDirectory(prefix="xlalign-pkg-") as tmp:
        root = Path(tmp) / folder
        (root / "model").mkdir(parents=True)
        spec = _transformer_spec(shape, vocab, seed)
        spec.validate()
        spec.optimize(quantization=shape.quantization)
        spec.save(str(root / "model"))
        (root / "sentencepiece.model").write_bytes(sp_bytes)
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(
            "Random-weight test package built by xlalign's tests: outputs are nonsense.\n",
            encoding="utf-8",
        )
        if with_spacy:
            _save_blank_spacy(from_code, root / "spacy")
        target = out_dir / f"{folder}.argosmodel"
        _zip_folder(root, target)
    return target


def _zip_folder(root: Path, target: Path) -> None:
    """Zip `root` as one top-level folder, the layout argostranslate extracts."""
    # Stored, not deflated: int8 random weights do not compress and deflating
    # a Transformer-base model costs seconds.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zf:
        for path in sorted(root.rglob("*")):
            zf.write(path, Path(root.name) / path.relative_to(root))


def write_zip(target: str | os.PathLike, members: dict[str, bytes | str]) -> Path:
    """A zip with the given members: for tests of broken packages."""
    target = Path(target)
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target
