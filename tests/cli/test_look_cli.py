"""`xlalign plot` and `xlalign show`: pictures and a terminal view of a stored alignment."""
from __future__ import annotations

import struct

from xlalign.cli.main import main
from xlalign.db.engine import get_engine

from harness.samples import BG_SOURCE, STORY_MT, populate


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def test_plot_writes_the_pair_matrix_and_the_run_scores(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    engine = get_engine(url)
    ids = populate(engine)
    with engine.begin() as conn:  # the scores plot is per run: give the alignment one
        run = conn.exec_driver_sql("INSERT INTO runs (status) VALUES ('completed') RETURNING id").scalar()
        conn.exec_driver_sql(f"UPDATE alignments SET run_id = {run}")
    out = tmp_path / "plots"
    assert main(["plot", "--pair", str(ids["pair_id"]), "--run-scores", "--out", str(out), "--db", url]) == 0
    written = capsys.readouterr().out.split()
    assert written == [str(out / f"pair-{ids['pair_id']}.png"), str(out / f"run-{run}-scores.png")]
    width, height = png_size(out / f"pair-{ids['pair_id']}.png")
    assert width >= 600 and height >= 500
    assert png_size(out / f"run-{run}-scores.png")[0] == 800


def test_plot_errors_are_sentences(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    populate(get_engine(url))
    assert main(["plot", "--pair", "99", "--db", url]) == 1
    assert "there is no document pair 99" in capsys.readouterr().err
    assert main(["plot", "--run-scores", "--db", url]) == 1  # populate's alignment belongs to no run
    assert "no run has aligned anything" in capsys.readouterr().err
    assert main(["plot", "--db", url]) == 2
    assert "say what to draw" in capsys.readouterr().err


def test_show_prints_the_document_next_to_its_counterpart(db_url, capsys):
    ids = populate(get_engine(db_url))
    assert main(["show", BG_SOURCE, "--db", db_url, "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "next to: " in out and "pair " + str(ids["pair_id"]) in out
    first = next(line for line in out.splitlines() if "Град Пловдив откри" in line)
    assert "The city of Plovdiv opened a new tram line" in first and "0.80" in first  # side by side, one row
    assert f"MT: {STORY_MT[0]}" in out
    assert "— no counterpart —" in out and "The mayor said the project cost" in out
    assert main(["show", str(ids["en_id"]), "--db", db_url, "--width", "200"]) == 0  # from the English side too
    assert "Град Пловдив откри" in capsys.readouterr().out
    assert main(["show", "nothing-like-this", "--db", db_url]) == 1
    assert "no document with id or file 'nothing-like-this'" in capsys.readouterr().err
