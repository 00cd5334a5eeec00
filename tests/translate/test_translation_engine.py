"""xlalign.translate.engine against argostranslate itself, on a tiny real package.

The package has random weights (outputs are nonsense) but every step is the
real one: SentencePiece, CTranslate2 beam search, argos' detokenisation.
"""
from __future__ import annotations

import json
import random

import pytest

from xlalign.translate import engine
from xlalign.translate.engine import EngineSettings, load_model, model_signature, translate_sentences

# Written for these tests. Each is one sentence for argostranslate's splitter
# (no full stop inside), from one word to well over a hundred tokens.
SENTENCES = [
    "Да.",
    "Благодаря!",
    "Къде е гарата?",
    "Днес времето в София е слънчево и топло.",
    "Влакът за Варна тръгва в осем часа сутринта",
    "Министърът на здравеопазването обяви нови мерки срещу грипа",
    "Децата играеха в парка до късно вечерта, докато родителите им разговаряха на пейките.",
    "Учените от Българската академия на науките откриха нов вид бръмбар в Родопите.",
    "Цената на хляба се е повишила с десет процента за последната година",
    "„Няма да се откажем“, каза кметът пред журналистите",
    "Река Дунав е втората по дължина река в Европа",
    "Ще се видим утре",
    "Книгата, която ми препоръча, се оказа изключително интересна и добре написана",
    "Според прогнозата през уикенда ще вали сняг в планините, а по Черноморието ще духа силен вятър, "
    "затова шофьорите трябва да бъдат внимателни, да карат бавно, да проверят гумите си преди тръгване "
    "и да следят съобщенията на пътната полиция, която ще затваря участъци от магистралите при нужда, "
    "както и да носят вода, храна и топли дрехи в колите си за всеки случай",
    "Пловдив",
    "Колко струва билетът до Бургас?",
    "Правителството одобри бюджета за 2025 година след дълъг и напрегнат дебат в парламента",
    "Тя отговори, че не знае нищо по въпроса",
    "Музеят ще бъде отворен за посетители всеки ден без понеделник",
    "Футболният отбор спечели първенството за трети пореден път",
]


@pytest.fixture(scope="module")
def argos_bg_en(argos_bg_en_model):
    """argostranslate's own bg→en translation object for the session package."""
    import argostranslate.translate

    translation = argostranslate.translate.get_translation_from_codes("bg", "en")
    assert translation is not None, "argostranslate does not see the installed test package"
    return translation


def test_sentences_are_single_sentences_for_argos(argos_bg_en):
    # Precondition of the equality tests: argos translates each as one unit too.
    splitter = argos_bg_en.underlying.sentencizer
    for sentence in SENTENCES:
        assert splitter.split_sentences(sentence) == [sentence]


def test_output_equals_argostranslate(argos_bg_en_model, argos_bg_en):
    import argostranslate.translate

    ours = translate_sentences(SENTENCES, argos_bg_en_model)
    assert len(ours) == len(SENTENCES)
    assert len(set(ours)) > len(SENTENCES) // 2, "the model should not map everything to one string"
    for sentence, mine in zip(SENTENCES, ours):
        assert mine == argostranslate.translate.translate(sentence, "bg", "en"), sentence
        assert mine == argos_bg_en.translate(sentence), sentence


@pytest.mark.parametrize(
    "settings",
    [
        EngineSettings(max_batch_tokens=32, inter_threads=1, intra_threads=1),
        EngineSettings(max_batch_tokens=96, inter_threads=2, intra_threads=1),
        EngineSettings(max_batch_tokens=8192, inter_threads=1, intra_threads=2),
    ],
    ids=["tiny-batches", "two-workers", "one-big-batch"],
)
def test_batching_and_order_do_not_change_outputs(argos_bg_en_model, argos_bg_en, settings):
    # Very different lengths in one call, shuffled: batches mix and reorder,
    # each output must still be argos' translation of its own input.
    shuffled = SENTENCES * 2
    random.Random(7).shuffle(shuffled)
    ours = translate_sentences(shuffled, argos_bg_en_model, settings=settings)
    expected = {s: argos_bg_en.translate(s) for s in SENTENCES}
    assert ours == [expected[s] for s in shuffled]


def test_lines_are_translated_like_argos_paragraphs(argos_bg_en_model, argos_bg_en):
    texts = ["Ще се видим утре\nБлагодаря!", "\n\nКъде е гарата?", "Пловдив\n\nВарна\n", "", "\n"]
    ours = translate_sentences(texts, argos_bg_en_model)
    assert ours == [argos_bg_en.translate(t) for t in texts]
    assert ours[3] == "" and ours[4] == ""


def test_empty_input_loads_nothing(argos_bg_en_model, tmp_path):
    engine.clear_cache()
    missing = argos_bg_en_model.__class__(**{**argos_bg_en_model.__dict__, "path": tmp_path / "nowhere"})
    assert translate_sentences([], missing) == []
    assert engine._CACHE == {}


def test_model_is_loaded_once(argos_bg_en_model):
    settings = EngineSettings(inter_threads=1, intra_threads=1)
    first = load_model(argos_bg_en_model, settings)
    translate_sentences(SENTENCES[:3], argos_bg_en_model, settings=settings)
    translate_sentences(SENTENCES[3:6], argos_bg_en_model, settings=settings)
    again = load_model(argos_bg_en_model, settings)
    assert again is first
    assert again.translator is first.translator
    assert again.sentencepiece is first.sentencepiece
    keys = [k for k in engine._CACHE if k[0] == str(argos_bg_en_model.path.resolve())]
    assert len([k for k in keys if k[4:] == (1, 1)]) == 1


def test_progress_reports_done_and_total(argos_bg_en_model):
    calls = []
    texts = SENTENCES + ["", SENTENCES[0]]  # an empty one and a duplicate
    translate_sentences(texts, argos_bg_en_model, progress=lambda done, total: calls.append((done, total)))
    assert calls, "progress was never called"
    assert all(total == len(texts) for _, total in calls)
    dones = [done for done, _ in calls]
    assert dones == sorted(dones)
    assert calls[-1] == (len(texts), len(texts))


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("XLALIGN_CT2_INTER_THREADS", "3")
    monkeypatch.setenv("XLALIGN_CT2_INTRA_THREADS", "2")
    monkeypatch.setenv("XLALIGN_CT2_COMPUTE_TYPE", "float32")
    monkeypatch.setenv("XLALIGN_CT2_MAX_BATCH_TOKENS", "512")
    settings = EngineSettings.from_env()
    assert (settings.inter_threads, settings.intra_threads) == (3, 2)
    assert settings.compute_type == "float32"
    assert settings.max_batch_tokens == 512
    assert settings.beam_size == 4 and settings.length_penalty == 0.2  # argos' decoding defaults
    assert EngineSettings.from_env(inter_threads=1).inter_threads == 1


def test_bad_environment_value_is_a_sentence(monkeypatch):
    monkeypatch.setenv("XLALIGN_CT2_INTER_THREADS", "many")
    with pytest.raises(ValueError, match="XLALIGN_CT2_INTER_THREADS must be an integer, got 'many'"):
        EngineSettings.from_env()


def test_default_settings_follow_argos(argos_bg_en_model):
    from argostranslate import settings as argos_settings

    settings = EngineSettings.from_env()
    assert settings.compute_type == argos_settings.compute_type == "auto"
    assert settings.beam_size == argos_settings.beam_size
    assert settings.inter_threads >= 1


def test_model_signature(argos_bg_en_model):
    import ctranslate2

    text, params = model_signature(argos_bg_en_model, EngineSettings())
    assert text.startswith(f"argos:translate-bg_en@1.9|ct2:{ctranslate2.__version__}|sha:")
    assert "|compute:int8" in text and "|beam:4|lp:0.2|unk:yes|" in text and text.endswith("|v:1")
    for name, short, _ in EngineSettings().leaves():  # every decoding field is named in the signature
        assert f"|{short}:" in text, name
    assert json.loads(json.dumps(params)) == params
    assert params["compute_type"].startswith("int8")
    assert params["beam_size"] == 4 and params["length_penalty"] == 0.2 and params["replace_unknowns"] is True
    assert len(params["model_sha256"]) == 64
    other, _ = model_signature(argos_bg_en_model, EngineSettings(compute_type="float32"))
    assert "compute:float32" in other and other != text
    same, _ = model_signature(argos_bg_en_model, EngineSettings(inter_threads=2, max_batch_tokens=64))
    assert same == text  # speed settings do not change translations


def test_detokenize_repeats_argos_quirks():
    class _Pieces:  # stands in for SentencePiece's decode_pieces on plain pieces
        @staticmethod
        def decode_pieces(tokens):
            return "".join(tokens)

    # argos replaces "_" after decoding, so an "__en__" prefix is never stripped
    # (it no longer matches); xlalign must return the same string.
    assert engine.detokenize(["__en__", "▁Hello", "▁snake_case"], _Pieces, "__en__") == " en   Hello snake case"
    assert engine.detokenize(["<2en>", "▁Hello"], _Pieces, "<2en>") == "Hello"
    assert engine.detokenize(["▁a", "b"], _Pieces) == "ab"
    assert engine.detokenize([], _Pieces) == ""


def test_target_prefix_package_equals_argos(tmp_path_factory, isolated_argos_packages):
    """A multilingual-style package whose decoder is primed with `__en__`."""
    import argostranslate.translate

    from xlalign.translate.packages import install_from_file

    from harness.fixtures_argos import build_argos_package

    package = build_argos_package(
        tmp_path_factory.mktemp("prefix-pkg"), from_code="ru", from_name="Russian", target_prefix="__en__", seed=3
    )
    model = install_from_file(package)
    assert model.path.parent == isolated_argos_packages
    sentences = ["Привет", "Где находится вокзал?", "Сегодня в Москве идёт снег и дует сильный ветер"]
    ours = translate_sentences(sentences, model)
    for sentence, mine in zip(sentences, ours):
        assert mine == argostranslate.translate.translate(sentence, "ru", "en")
