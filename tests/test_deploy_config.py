"""What Heroku reads to deploy the app: app.json and the Procfile, kept in step
with what the code asks of the environment (web/settings.py, corrections/config.py)."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_app_json_is_a_valid_manifest_within_heroku_s_limits():
    manifest = json.loads((ROOT / "app.json").read_text())
    assert 3 <= len(manifest["name"]) <= 30
    assert len(manifest["description"]) <= 140
    assert manifest["formation"]["web"]["quantity"] >= 1


def test_a_deployment_from_app_json_keeps_corrections_with_its_own_secrets():
    manifest = json.loads((ROOT / "app.json").read_text())
    # Without a database, corrections are off on Heroku (its disk is wiped).
    plans = [addon["plan"] if isinstance(addon, dict) else addon for addon in manifest["addons"]]
    assert any(plan.split(":")[0] == "heroku-postgresql" for plan in plans)
    # The owner's routes are 404 without REVIEW_TOKEN; client keys need a salt of their own.
    for name in ("REVIEW_TOKEN", "CORRECTIONS_SALT"):
        assert manifest["env"][name]["generator"] == "secret", name
        assert (
            name
            in (ROOT / "web" / "settings.py").read_text()
            + (ROOT / "corrections" / "config.py").read_text()
        )


def test_the_procfile_migrates_before_the_web_dynos_start():
    lines = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert lines["release"].strip() == "python -m corrections upgrade"
    assert lines["web"].strip().startswith("gunicorn dashboard:server")
