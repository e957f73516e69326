"""A run reads the app's configuration (environment and secrets) once or twice, not at every read."""

from portfolio.ui import context


def test_a_rerun_reads_the_settings_at_most_twice(app_for, database_url, monkeypatch):
    at = app_for(database_url, "pages/board.py")
    calls = []
    real = context.load_settings
    monkeypatch.setattr(context, "load_settings", lambda **kw: calls.append(kw) or real(**kw))
    at.run()
    assert not at.exception
    assert 1 <= len(calls) <= 2
