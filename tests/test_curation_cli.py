"""``cerca corrections`` and ``cerca user`` on a copy of the DICE-derived index."""

from __future__ import annotations

import json
import os
import shutil
import stat

import yaml
from click.testing import CliRunner

from cerca.cli import cli
from search import SearchRequest, entities, open_index
from webapp import accounts


def top_persons(path, n=3):
    index = open_index(path)
    try:
        return [v.value for v in entities(index, "person", SearchRequest(page_size=n), "",
                                          None).values]
    finally:
        index.close()


def test_import_list_export_undo(dice_index_dir, tmp_path):
    path = tmp_path / "index"
    shutil.copytree(dice_index_dir, path)
    a, b, c = top_persons(path)
    fixes = tmp_path / "fixes.yaml"
    fixes.write_text(yaml.safe_dump({"rename": {a: b}, "suppress": [c]}, allow_unicode=True),
                     "utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["corrections", "import", str(fixes), "--index", str(path)])
    assert done.exit_code == 0, done.output
    assert "2 correzioni applicate" in done.output
    assert a not in top_persons(path, 50) and c not in top_persons(path, 50)
    listed = runner.invoke(cli, ["corrections", "list", "--index", str(path)]).output
    assert listed.splitlines()[0].startswith("2\t") and "soppresso" in listed
    exported = yaml.safe_load(runner.invoke(cli, ["corrections", "export", "--index",
                                                  str(path)]).output)
    assert list(exported["rename"].values()) == [b] and len(exported["suppress"]) == 1
    undone = runner.invoke(cli, ["corrections", "undo", "--index", str(path)])
    assert undone.exit_code == 0 and "annullata la modifica n. 2" in undone.output
    # The file's suppressions come first, its renames after: the rename is undone.
    assert a in top_persons(path, 50) and c not in top_persons(path, 50)
    again = runner.invoke(cli, ["corrections", "undo", "2", "--index", str(path)])
    assert again.exit_code == 1 and "già stata annullata" in again.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("rename: [", "utf-8")
    refused = runner.invoke(cli, ["corrections", "import", str(bad), "--index", str(path)])
    assert refused.exit_code == 1 and "non valido" in refused.output


def test_user_add_reads_the_password_from_stdin(tmp_path):
    runner = CliRunner()
    made = runner.invoke(cli, ["user", "add", "anna", "--index", str(tmp_path)],
                         input="una-password-lunga\n")
    assert made.exit_code == 0, made.output
    stored = json.loads((tmp_path / accounts.ACCOUNTS).read_text())["editors"]["anna"]
    assert stored.startswith("scrypt:") and "una-password-lunga" not in stored
    assert stat.S_IMODE(os.stat(tmp_path / accounts.ACCOUNTS).st_mode) == 0o600
    assert accounts.verify(accounts.load(tmp_path), "anna", "una-password-lunga")
    assert not accounts.verify(accounts.load(tmp_path), "anna", "sbagliata")
    short = runner.invoke(cli, ["user", "add", "bruno", "--index", str(tmp_path)], input="corta\n")
    assert short.exit_code == 1 and "almeno 10" in short.output
    odd = runner.invoke(cli, ["user", "add", "<b>", "--index", str(tmp_path)],
                        input="una-password-lunga\n")
    assert odd.exit_code == 1 and "nome utente non valido" in odd.output
