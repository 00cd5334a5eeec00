"""`xlalign align` and `xlalign score` through the real CLI entry point."""
from __future__ import annotations

import csv
import io
from ast import literal_eval

import pytest

from xlalign.align import vecalign_format
from xlalign.align.scoring import score
from xlalign.cli.main import main

from harness.samples import NEWS_BG as BG
from harness.samples import NEWS_EN as EN
from harness.samples import SENTENCES as S
from harness.samples import UNRELATED
from harness.shared_data import DATA, require_shared


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_align_with_mt_file_prints_vecalign_groups(tmp_path, capsys):
    src = write(tmp_path / "src.txt", S)
    tgt = write(tmp_path / "tgt.txt", S[:2] + [S[2] + " " + S[3]] + [UNRELATED] + S[4:])
    mt = write(tmp_path / "mt.txt", S)
    assert main(["align", src, tgt, "--src-mt", mt, "--method", "mt"]) == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[2].startswith("[2, 3]:[2]:")
    assert lines[3] == "[]:[3]:0.0000"
    assert vecalign_format.parse(lines)[:2] == [((0,), (0,)), ((1,), (1,))]
    assert "align:mt|mode:parallel" in out.err


def test_align_no_scores_and_max_group(tmp_path, capsys):
    src = write(tmp_path / "src.txt", S)
    tgt = write(tmp_path / "tgt.txt", S)
    assert main(["align", src, tgt, "--src-mt", src, "--method", "mt", "--no-scores", "--max-group", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["[0]:[0]", "[1]:[1]"]


def test_hybrid_without_mt_or_package_falls_back_and_says_so(tmp_path, capsys, monkeypatch):
    import xlalign.cli.align as commands

    monkeypatch.setattr(commands, "translate_with_argos", lambda src, a, b: (None, f"no Argos package installed for {a}->{b}"))
    src = write(tmp_path / "bg.txt", BG)
    tgt = write(tmp_path / "en.txt", EN)
    assert main(["align", src, tgt]) == 0
    out = capsys.readouterr()
    assert "no Argos package installed for bg->en" in out.err
    assert "used embeddings only" in out.err
    assert out.out.splitlines()[0].startswith("[0]:[0]")


def test_expected_errors_are_one_sentence_and_exit_1(tmp_path, capsys):
    src = write(tmp_path / "src.txt", S)
    short = write(tmp_path / "short.txt", S[:3])
    assert main(["align", src, str(tmp_path / "missing.txt")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["align", src, src, "--src-mt", short, "--method", "mt"]) == 1
    assert "must match line by line" in capsys.readouterr().err
    monkey_lang = write(tmp_path / "bg.txt", BG)
    assert main(["align", monkey_lang, src, "--method", "mt", "--src-lang", "xx", "--tgt-lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "method mt needs MT" in err and "Traceback" not in err
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    assert main(["align", str(tmp_path / "latin1.txt"), src, "--method", "embed"]) == 1
    assert "not UTF-8" in capsys.readouterr().err


def test_score_command(tmp_path, capsys):
    gold = write(tmp_path / "gold.txt", ["[0]:[0]", "[1]:[1, 2]", "[]:[3]"])
    hyp = write(tmp_path / "hyp.txt", ["[0]:[0]", "[1]:[1]", "[]:[2]", "[]:[3]"])
    assert main(["score", "--gold", gold, "--hyp", hyp]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "f1" in out
    prec_line = next(line for line in out.splitlines() if line.startswith("precision"))
    assert prec_line.split()[1:] == ["0.5000", "0.7500"]
    assert main(["score", "--gold", gold, gold, "--hyp", hyp]) == 1
    bad = write(tmp_path / "bad.txt", ["0-0"])
    assert main(["score", "--gold", gold, "--hyp", bad]) == 1
    assert "line 1" in capsys.readouterr().err


def test_textberg_dev_mt_method_reaches_a_reasonable_floor(tmp_path, capsys):
    d = require_shared(DATA / "textberg-dev")
    rc = main(["align", str(d / "dev.de"), str(d / "dev.fr"), "--src-mt", str(d / "dev.google.fr"),
               "--method", "mt"])
    assert rc == 0
    hyp = vecalign_format.parse(capsys.readouterr().out.splitlines())
    s = score(vecalign_format.read(str(d / "dev.defr")), hyp)
    assert s.f1_strict >= 0.84 and s.f1_lax >= 0.97


def vecalign_reader(lines):
    """What Vecalign's `read_alignments` does with a line: split on ':', literal_eval the first two fields."""
    out = []
    for line in lines:
        fields = [x.strip() for x in line.split(":") if len(x.strip())]
        if len(fields) < 2:
            raise ValueError(f"not two ':' fields: {line!r}")
        out.append((literal_eval(fields[0]), literal_eval(fields[1])))
    return out


def test_default_output_is_read_by_vecaligns_own_reader(tmp_path, capsys):
    src = write(tmp_path / "src.txt", S)
    tgt = write(tmp_path / "tgt.txt", S[:2] + [S[2] + " " + S[3]] + S[4:])
    assert main(["align", src, tgt, "--src-mt", src, "--method", "mt"]) == 0
    lines = capsys.readouterr().out.splitlines()
    parsed = vecalign_reader(lines)
    assert parsed[2] == ([2, 3], [2])
    scores = [float(line.split(":")[2]) for line in lines]
    assert all(0.0 <= s <= 1.0 for s in scores) and scores[0] > 0.5
    assert vecalign_format.parse(lines) == [(tuple(a), tuple(b)) for a, b in parsed]
    # the score column of xlalign before 0.2 (a tab) still reads
    assert vecalign_format.parse(["[0]:[0]\t0.79"]) == [((0,), (0,))]
    with pytest.raises(SyntaxError):
        vecalign_reader(["[0]:[0]\t0.79"])  # why the old default had to change


def test_text_and_tsv_formats_show_the_sentences(tmp_path, capsys):
    quoted = '"Quoted," she said.'
    src_lines, tgt_lines = [quoted] + S[1:4], [quoted] + S[1:4]
    src = write(tmp_path / "src.txt", src_lines)
    tgt = write(tmp_path / "tgt.txt", tgt_lines)
    assert main(["align", src, tgt, "--src-mt", src, "--method", "mt", "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("[0]:[0]  1-1  score ")
    assert f"  src: {quoted}" in out and f"  tgt: {quoted}" in out and f"  mt:  {quoted}" in out
    assert main(["align", src, tgt, "--src-mt", src, "--method", "mt", "--format", "tsv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out), delimiter="\t"))
    assert len(rows) == 4 and rows[0]["src_text"] == quoted and rows[0]["tgt_text"] == quoted
    assert rows[1]["src_positions"] == "[1]" and rows[1]["kind"] == "1-1" and float(rows[1]["score"]) > 0.5
