"""Batched translation with an installed Argos package, straight through CTranslate2.

Why not call argostranslate: it translates one text at a time (one
`translate_batch` per paragraph, a 32-token batch limit, a sentence splitter
run on every call), which leaves most of the CPU idle. Here the sentences of
many documents go to CTranslate2 in one call: it sorts them by length, packs
them into batches of about `max_batch_tokens` padded tokens and spreads the
batches over `inter_threads` workers.

What must not change is the output. For a given input sentence the result is
the string argostranslate's `translate()` returns with the same package and
the same Argos settings, because this module repeats its steps exactly (see
`argostranslate.translate.apply_packaged_translation` and
`argostranslate.tokenizer.SentencePieceTokenizer`):
- text is split into lines on "\\n", each line translated on its own, the
  results joined with "\\n" and leading newlines dropped; empty lines stay empty;
- tokens are `SentencePieceProcessor.encode(line, out_type=str)`;
- `translate_batch(..., beam_size=ARGOS_BEAM_SIZE (4), num_hypotheses=1,
  length_penalty=0.2, replace_unknowns=True, target_prefix=[[prefix]] when the
  package declares one)`, with CTranslate2's defaults for everything argos
  leaves unset (max_decoding_length 256, max_input_length 1024,
  min_decoding_length 1);
- `decode_pieces(tokens)`, then "▁" and "_" replaced by spaces, the target
  prefix stripped if the text starts with it, one leading space dropped.
- compute type: argos asks CTranslate2 for `ARGOS_COMPUTE_TYPE`, default
  "auto", which on a CPU with int8 support (AVX2/AVX-512/NEON) is int8 with
  float32 activations. xlalign uses the same default, so it gets int8 speed
  where the CPU allows and the same numbers as argos; a different compute
  type (e.g. float32) gives slightly different translations, which is why the
  resolved type is part of `model_signature`.

The one difference: argostranslate also runs its sentence splitter on each
line and translates the pieces separately. xlalign's segmenter has already
split the text into sentences, and the aligner needs one translation per
sentence, so each input is translated as one unit. Outputs are identical
whenever argos' splitter keeps the input as one sentence.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlalign.signatures import Params, format_signature, param
from xlalign.translate.packages import ModelInfo

ENV_PREFIX = "XLALIGN_CT2_"
ARGOS_LENGTH_PENALTY = 0.2  # hard-coded in argostranslate
CT2_MAX_DECODING_LENGTH = 256  # CTranslate2's default, which argostranslate relies on
CT2_MAX_INPUT_LENGTH = 1024  # idem
ENGINE_VERSION = "1"  # of xlalign's tokenisation and detokenisation around CTranslate2; last in signatures
# Segments handed to CTranslate2 per call. Large enough that its length sort
# packs full batches; small enough that memory for pending results stays flat
# on very large inputs.
WINDOW_SEGMENTS = 8192


def usable_cpus() -> int:
    """CPUs this process may use: its affinity mask, capped by a cgroup v2 CPU quota.

    In a container limited to 2 CPUs on a 16-core host, os.cpu_count() says 16;
    16 translator workers would then fight over 2 cores.
    """
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            count = min(count, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, count)


def default_threads(device: str = "cpu") -> tuple[int, int]:
    """(inter_threads, intra_threads) for this machine.

    CPU: one translator worker per core, one thread each. Beam-search decoding
    is a long series of small matrix products that gain little from splitting
    across threads, while whole batches run independently; measured with
    benchmarks/translation_speed.py (Transformer-base, int8, beam 4, 2 cores).
    GPU: one worker; CTranslate2 batches on the device.
    """
    if device != "cpu":
        return 1, 1
    return usable_cpus(), 1


@dataclass(frozen=True)
class EngineSettings(Params):
    """How sentences are run through CTranslate2.

    Decoding options change translations and are in the signature; their
    defaults are the ones argostranslate uses. Threads and batch size change
    only speed (`speed_only`).
    """

    device: str = param("cpu", why="where CTranslate2 runs (cpu, cuda)", abbr="device")
    compute_type: str = param("auto", why="weight precision asked for; the one used is in the signature too",
                              abbr="ctype")
    inter_threads: int | None = param(None, why="parallel translators; None: default_threads(device)",
                                      speed_only=True)
    intra_threads: int | None = param(None, why="threads per translator; None: default_threads(device), 0: "
                                                "CTranslate2's own default", speed_only=True)
    # Transformer-base, int8, beam 4, 2 workers (benchmarks/translation_speed.py): sentences per CPU-second
    # 14.9 at 256 tokens, 16.8 at 512, 18.4 at 1024, 19.3 at 2048, 17.3 at 4096; peak RSS for 300 sentences
    # 343 MB at 512, 556 MB at 1024, 864 MB at 2048 (beam search keeps beam x batch copies of the encoder
    # output per layer). XLALIGN_CT2_MAX_BATCH_TOKENS=1024 halves memory for ~5% less throughput.
    max_batch_tokens: int = param(2048, why="padded source tokens per batch (speed and memory)", speed_only=True)
    beam_size: int = param(4, why="beam search width (argostranslate's)", abbr="beam")
    length_penalty: float = param(ARGOS_LENGTH_PENALTY, why="argostranslate's length penalty", abbr="lp")
    replace_unknowns: bool = param(True, why="copy the source token for <unk>, as argostranslate does", abbr="unk")
    max_decoding_length: int = param(CT2_MAX_DECODING_LENGTH, why="longest output, in tokens", abbr="maxlen")
    max_input_length: int = param(CT2_MAX_INPUT_LENGTH, why="longest input, in tokens", abbr="maxin")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> EngineSettings:
        """Defaults, then argostranslate's own settings, then XLALIGN_CT2_* variables, then `overrides`.

        argostranslate's ARGOS_DEVICE_TYPE / ARGOS_COMPUTE_TYPE / ARGOS_BEAM_SIZE
        are honoured so that xlalign translates as argostranslate does in the
        same environment. XLALIGN_CT2_<FIELD> (e.g. XLALIGN_CT2_INTER_THREADS,
        XLALIGN_CT2_INTRA_THREADS, XLALIGN_CT2_COMPUTE_TYPE,
        XLALIGN_CT2_MAX_BATCH_TOKENS) overrides any field.
        """
        env: Mapping[str, str] = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        argos = _argos_decoding_settings()
        values.update(argos)
        for field in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + field.name.upper())
            if raw is not None and raw.strip() != "":
                values[field.name] = _parse_field(field, raw.strip())
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    def __post_init__(self) -> None:
        inter, intra = default_threads(self.device)
        if self.inter_threads is None:
            object.__setattr__(self, "inter_threads", inter)
        if self.intra_threads is None:
            object.__setattr__(self, "intra_threads", intra)

    @property
    def workers(self) -> int:
        """inter_threads, resolved (None is filled in at construction)."""
        return self.inter_threads or 1

    def validate(self) -> None:
        for name in ("inter_threads", "beam_size", "max_batch_tokens", "max_decoding_length"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if (self.intra_threads or 0) < 0:
            raise ValueError(f"intra_threads must be 0 (CTranslate2's default) or more, got {self.intra_threads}.")


def _parse_field(field: dataclasses.Field, raw: str) -> Any:
    kind = {"int": int, "int | None": int, "float": float, "bool": bool, "str": str}.get(str(field.type), str)
    name = ENV_PREFIX + field.name.upper()
    if kind is bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name} must be true or false, got {raw!r}.")
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a{'n integer' if kind is int else ' number'}, got {raw!r}.") from None


def _argos_decoding_settings() -> dict[str, Any]:
    """The decoding settings argostranslate would use here (read at its import)."""
    from argostranslate import settings

    return {
        "device": str(settings.device),
        "compute_type": str(settings.compute_type),
        "beam_size": max(1, int(settings.beam_size)),
    }


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class LoadedModel:
    """A package's CTranslate2 translator and SentencePiece processor, loaded once."""

    translator: Any  # ctranslate2.Translator
    sentencepiece: Any  # sentencepiece.SentencePieceProcessor
    target_prefix: str
    compute_type: str  # as resolved by CTranslate2 (e.g. "int8_float32")


_CACHE: dict[tuple, LoadedModel] = {}
_CACHE_LOCK = threading.Lock()


def _cache_key(model: ModelInfo, settings: EngineSettings) -> tuple:
    model_bin = Path(model.path) / "model" / "model.bin"
    try:
        stat = model_bin.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
    except OSError:
        stamp = None
    return (
        str(Path(model.path).resolve()),
        stamp,  # a reinstalled package is a different model
        settings.device,
        settings.compute_type,
        settings.inter_threads,
        settings.intra_threads,
    )


def load_model(model: ModelInfo, settings: EngineSettings | None = None) -> LoadedModel:
    """The cached translator for this package and settings, loading it the first time."""
    settings = settings or EngineSettings.from_env()
    key = _cache_key(model, settings)
    with _CACHE_LOCK:
        loaded = _CACHE.get(key)
        if loaded is None:
            loaded = _load(model, settings)
            _CACHE[key] = loaded
        return loaded


def clear_cache() -> None:
    """Drop loaded models (frees their memory once no caller holds them)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _load(model: ModelInfo, settings: EngineSettings) -> LoadedModel:
    import ctranslate2
    import sentencepiece

    root = Path(model.path)
    sp_path = root / "sentencepiece.model"
    if not sp_path.is_file():
        raise FileNotFoundError(
            f"{root} has no sentencepiece.model: xlalign translates with SentencePiece packages only "
            "(BPE packages work through argostranslate itself)."
        )
    metadata = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    translator = ctranslate2.Translator(
        str(root / "model"),
        device=settings.device,
        compute_type=settings.compute_type,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
    )
    processor = sentencepiece.SentencePieceProcessor(model_file=str(sp_path))
    return LoadedModel(
        translator=translator,
        sentencepiece=processor,
        target_prefix=str(metadata.get("target_prefix", "")),
        compute_type=str(translator.compute_type),
    )


# --------------------------------------------------------------------------- translating


def detokenize(tokens: Sequence[str], processor: Any, target_prefix: str = "") -> str:
    """argostranslate's detokenisation, step for step (quirks included)."""
    value = processor.decode_pieces(list(tokens)).replace("▁", " ").replace("_", " ")
    if target_prefix != "" and value.startswith(target_prefix):
        value = value[len(target_prefix) :]
    if value[:1] == " ":
        value = value[1:]
    return value


def translate_sentences(
    sentences: Sequence[str],
    model: ModelInfo,
    *,
    progress: Callable[[int, int], None] | None = None,
    settings: EngineSettings | None = None,
) -> list[str]:
    """Translate many sentences (of many documents) at once; outputs in input order.

    `progress(done, total)` is called as input sentences complete. Identical
    inputs are translated once.
    """
    if not sentences:
        return []
    total = len(sentences)
    # Each input becomes one or more lines (argostranslate's paragraphs); each
    # distinct non-empty line is one segment to translate.
    segment_of: dict[str, int] = {}
    plans: list[list[int | None]] = []
    users: list[list[int]] = []  # segment -> indices of the sentences that need it
    for index, sentence in enumerate(sentences):
        plan: list[int | None] = []
        for line in str(sentence).split("\n"):
            if line == "":
                plan.append(None)  # argos: no sentences, nothing to translate
                continue
            seg = segment_of.setdefault(line, len(segment_of))
            if seg == len(users):
                users.append([])
            users[seg].append(index)
            plan.append(seg)
        plans.append(plan)

    outputs: list[str | None] = [None] * len(segment_of)
    if segment_of:
        settings = settings or EngineSettings.from_env()
        loaded = load_model(model, settings)
        waiting = [sum(1 for seg in plan if seg is not None) for plan in plans]
        done = sum(1 for w in waiting if w == 0)
        reporter = _Progress(progress, total, done)

        def finished(seg: int) -> None:
            nonlocal done
            for index in users[seg]:
                waiting[index] -= 1
                if waiting[index] == 0:
                    done += 1
            reporter.update(done)

        _translate_segments(list(segment_of), loaded, settings, outputs, finished)
        reporter.update(done, force=True)
    elif progress is not None:
        progress(total, total)

    results = []
    for plan in plans:
        text = "\n".join("" if seg is None else (outputs[seg] or "") for seg in plan)
        results.append(text.lstrip("\n"))
    return results


class _Progress:
    """Calls the user's callback about every 0.5% of the sentences, and at the end."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int, done: int):
        self.callback, self.total = callback, total
        self.step = max(1, total // 200)
        self.reported = 0
        if done:
            self.update(done)

    def update(self, done: int, force: bool = False) -> None:
        if self.callback is None or done == self.reported:
            return
        if force or done == self.total or done - self.reported >= self.step:
            self.reported = done
            self.callback(done, self.total)


def _batch_tokens(batch: list[list[str]], settings: EngineSettings) -> int:
    """`max_batch_tokens`, or less when that would leave translator workers idle.

    A small input that fits in one batch would run on one worker while the
    others wait; splitting it into one batch per worker finishes sooner.
    Batch composition does not change translations (tests check this).
    """
    if settings.workers <= 1 or not batch:
        return settings.max_batch_tokens
    padded = len(batch) * max(1, max(len(t) for t in batch))
    per_worker = -(-padded // settings.workers)  # ceil
    return max(1, min(settings.max_batch_tokens, per_worker))


def _translate_segments(
    texts: list[str],
    loaded: LoadedModel,
    settings: EngineSettings,
    outputs: list[str | None],
    finished: Callable[[int], None],
) -> None:
    tokens = loaded.sentencepiece.encode(texts, out_type=str)
    # Longest first, as CTranslate2 itself orders work: windows of similar
    # lengths pack into full batches, and long (slow) batches start first.
    order = sorted(range(len(texts)), key=lambda i: len(tokens[i]), reverse=True)
    prefix = loaded.target_prefix
    options = dict(
        max_batch_size=settings.max_batch_tokens,
        batch_type="tokens",
        beam_size=settings.beam_size,
        num_hypotheses=1,
        length_penalty=settings.length_penalty,
        replace_unknowns=settings.replace_unknowns,
        max_decoding_length=settings.max_decoding_length,
        max_input_length=settings.max_input_length,
    )
    for start in range(0, len(order), WINDOW_SEGMENTS):
        window = order[start : start + WINDOW_SEGMENTS]
        batch = [tokens[i] for i in window]
        futures = loaded.translator.translate_batch(
            batch,
            target_prefix=[[prefix] for _ in window] if prefix else None,
            asynchronous=True,
            **dict(options, max_batch_size=_batch_tokens(batch, settings)),
        )
        for seg, future in zip(window, futures):
            hypothesis = future.result().hypotheses[0]
            outputs[seg] = detokenize(hypothesis, loaded.sentencepiece, prefix)
            finished(seg)


# --------------------------------------------------------------------------- provenance

_DIGESTS: dict[tuple, str] = {}


def _sha256(path: Path) -> str:
    """sha256 of a file, remembered per (path, size, mtime): model.bin can be 100+ MB."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def model_signature(model: ModelInfo, settings: EngineSettings | None = None) -> tuple[str, dict]:
    """Provenance of translations, like a sacrebleu signature.

    The string names the package, the engine, the weights' hash and the
    compute type used, then every decoding field of `settings` (derived from
    the dataclass, so none can be missing), e.g.
    "argos:translate-bg_en@1.9|ct2:4.8.5|sha:1a2b3c4d|compute:int8_float32|device:cpu|ctype:auto|beam:4|...|v:1";
    its first field is the translation cache key (`stages.translation.model_key`).
    The dict (JSON-serialisable) adds the SentencePiece hash and the library
    versions, so two packages with the same name and version cannot be
    confused. Threads and batch size are left out on purpose: they change
    speed, not translations.
    Resolving "auto" to the real compute type loads the model (cached).
    """
    import ctranslate2
    import sentencepiece

    settings = settings or EngineSettings.from_env()
    loaded = load_model(model, settings)
    root = Path(model.path)
    from importlib.metadata import PackageNotFoundError, version

    try:
        argos_version = version("argostranslate")
    except PackageNotFoundError:
        argos_version = None
    params = {
        "package": model.name,
        "package_version": model.package_version,
        "argos_version": model.argos_version,
        "from_code": model.from_code,
        "to_code": model.to_code,
        "model_sha256": _sha256(root / "model" / "model.bin"),
        "sentencepiece_sha256": _sha256(root / "sentencepiece.model"),
        "target_prefix": loaded.target_prefix,
        "engine": "ctranslate2",
        "ctranslate2": ctranslate2.__version__,
        "sentencepiece": sentencepiece.__version__,
        "argostranslate": argos_version,
        "device": settings.device,
        "compute_type": loaded.compute_type,
        "compute_type_requested": settings.compute_type,
        "beam_size": settings.beam_size,
        "num_hypotheses": 1,
        "length_penalty": settings.length_penalty,
        "replace_unknowns": settings.replace_unknowns,
        "max_decoding_length": settings.max_decoding_length,
        "max_input_length": settings.max_input_length,
        "sentence_splitting": "none (one input sentence = one unit)",
    }
    head = [("argos", f"{model.name}@{model.package_version}"), ("ct2", ctranslate2.__version__),
            ("sha", params["model_sha256"][:8]), ("compute", loaded.compute_type)]
    text = format_signature(head, settings, ENGINE_VERSION)
    return text, params
