"""Typed parameters: a mistyped name is an error, and every field that changes output is in the signature."""
from __future__ import annotations

import dataclasses

import pytest

from xlalign.align import AlignerParams, MinerParams, PairingParams, align_sentences, plan_alignment
from xlalign.align import params as P
from xlalign.translate.engine import EngineSettings

from harness.samples import SENTENCES as S

ALL = [AlignerParams.for_method("hybrid"), AlignerParams.for_method("mt"), MinerParams.for_method("embed"),
       PairingParams(), EngineSettings()]


@pytest.mark.parametrize("params", ALL, ids=lambda p: type(p).__name__)
def test_an_unknown_name_is_an_error_not_a_silent_default(params):
    with pytest.raises(ValueError, match="unknown parameter 'bias_23x'"):
        type(params).from_mapping({"bias_23x": 1.0})
    with pytest.raises(TypeError):
        params.with_changes(bias_23x=1.0)


@pytest.mark.parametrize("params", ALL, ids=lambda p: type(p).__name__)
def test_every_field_has_a_reason_and_survives_a_round_trip(params):
    assert all(why for why in type(params).reasons().values())
    assert type(params).from_mapping(params.as_dict()) == params


def test_every_aligner_field_is_in_the_signature_and_changes_it():
    plan = plan_alignment(S, S, src_mt=S, method="mt")
    for name, short, value in plan.settings.leaves():
        assert f"|{short}:" in plan.signature, name
    base = plan.signature
    weights = [f.name for f in dataclasses.fields(P.Weights)]
    for name in ["band_width", "ngram_orders", "min_clause", "random_sample"]:
        value = getattr(plan.settings, name)
        changed = value + (1,) if isinstance(value, tuple) else value + 1
        other = plan_alignment(S, S, src_mt=S, method="mt", params=plan.settings.with_changes(**{name: changed}))
        assert other.signature != base, name
    for name in weights:
        w = plan.settings.weights
        bumped = w.with_changes(**{name: (getattr(w, name) or 0.0) + 0.5})
        other = plan_alignment(S, S, src_mt=S, method="mt", params=plan.settings.with_changes(weights=bumped))
        assert other.signature != base, name


def test_the_miner_prior_is_in_the_comparable_signature():
    plan = plan_alignment(S, S, method="embed", mode="comparable")
    shifted = plan.settings.with_changes(prior_emb=(0.8, 0.03))
    assert "|pemb:0.744,0.032|" in plan.signature
    assert plan_alignment(S, S, method="embed", mode="comparable", params=shifted).signature != plan.signature


def test_explicit_parameters_are_the_ones_used():
    """Passing a parameter object changes the result, with no global state involved."""
    tgt = S[:2] + [S[2] + " " + S[3]] + S[4:]
    default = align_sentences(S, tgt, src_mt=S, method="mt")
    no_merges = AlignerParams.for_method("mt").with_changes(max_group=1)
    assert ((2, 3), (2,)) in [(g.src, g.tgt) for g in default.groups]
    assert all(len(g.src) <= 1 for g in align_sentences(S, tgt, src_mt=S, method="mt", params=no_merges).groups)


def test_a_parameter_object_of_the_wrong_mode_is_refused():
    with pytest.raises(ValueError, match="mode 'comparable' takes MinerParams"):
        plan_alignment(S, S, src_mt=S, method="mt", mode="comparable", params=AlignerParams())


@pytest.mark.parametrize("cls", [MinerParams, PairingParams], ids=lambda c: c.__name__)
def test_every_miner_and_pairing_value_names_the_dev_sets_behind_it(cls):
    """A value changes only when the change holds on every dev set its field names (`param(dev=...)`)."""
    evidence = cls.evidence()
    assert set(evidence) == set(cls.reasons())
    assert [name for name, sets in evidence.items() if not sets] == (["max_group"] if cls is MinerParams else [])
    assert all(isinstance(s, str) and ":" in s or "(" in s for sets in evidence.values() for s in sets)


def test_each_method_has_its_miner_bars_and_every_one_is_in_the_signature():
    bars = {m: MinerParams.for_method(m) for m in ("hybrid", "mt", "embed")}
    assert bars["embed"].lexical_weight > 0 and bars["hybrid"].lexical_weight == bars["mt"].lexical_weight == 0
    assert bars["embed"].z_over_chance < bars["hybrid"].z_over_chance < bars["mt"].z_over_chance
    plan = plan_alignment(S, S, method="embed", mode="comparable")
    for name, short, _ in plan.settings.leaves():
        assert f"|{short}:" in plan.signature, name
