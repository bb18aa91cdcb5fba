"""The training config: one object holding every setting, written whole into the
model card and read back from it; the committed card's config is its run's."""

import dataclasses
import json
import math

import pytest

from model.core.inference import DEFAULT_CARD_PATH
from model.training import data
from model.training.config import AugmentationConfig, TrainingConfig


def test_a_config_survives_the_card_s_json_unchanged():
    config = TrainingConfig(
        seed=7, limit=300, augmentation=AugmentationConfig(scale_range=(0.9, 1.1), shear=0.0)
    )
    settings = json.loads(json.dumps(dataclasses.asdict(config)))
    assert TrainingConfig.from_dict(settings) == config


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda settings: settings.update(epochs_per_cycle=3), "epochs_per_cycle"),
        (lambda settings: settings.pop("dropout"), "dropout"),
        (lambda settings: settings["augmentation"].pop("shear"), "shear"),
    ],
)
def test_a_card_config_with_a_setting_missing_or_unknown_is_refused(edit, named):
    settings = json.loads(json.dumps(dataclasses.asdict(TrainingConfig())))
    edit(settings)
    with pytest.raises(ValueError, match=named):
        TrainingConfig.from_dict(settings)


def test_a_card_without_a_config_is_refused_clearly(tmp_path):
    card = tmp_path / "model_card.json"
    card.write_text(json.dumps({"training": {"seed": 1}}))
    with pytest.raises(ValueError, match="no training config"):
        TrainingConfig.from_card(card)


def test_the_committed_card_s_config_is_the_run_its_summary_describes():
    card = json.loads(DEFAULT_CARD_PATH.read_text())
    summary, config = card["training"], TrainingConfig.from_card(DEFAULT_CARD_PATH)
    assert config == TrainingConfig()  # the defaults are the committed run's settings
    assert (summary["seed"], summary["epochs"], summary["batch_size"]) == (
        config.seed,
        config.epochs,
        config.batch_size,
    )
    augmentation = dataclasses.asdict(config.augmentation)
    for name in summary["augmentation"].keys() - {"scale_range", "thickness_change"}:
        assert summary["augmentation"][name] == augmentation[name]
    assert tuple(summary["augmentation"]["scale_range"]) == config.augmentation.scale_range
    assert summary["pen_repeats_per_epoch"] == config.pen_repeats
    assert summary["pen_label_smoothing"] == config.pen_label_smoothing
    assert card["writers"] == {part: list(ids) for part, ids in data.split_writers(config).items()}
    assert f"peak {config.peak_learning_rate}" in summary["learning_rate"]
    trained = (
        summary["mnist_train_digits"]
        + summary["pen_train_digits"] * config.pen_repeats
        + summary["styled_train_digits"]
        + sum(summary["non_digit_train_drawings"].values())
        + summary.get("uji_train_digits", 0) * config.collections.uji_repeats
        + summary.get("sparse_train_digits", 0)
        + summary.get("mnist_image_path_train_digits", 0)
    )
    steps = math.ceil(trained / config.batch_size)
    momentum = 1.0 - 1.0 / (config.ema_horizon_epochs * steps)
    assert f"momentum {momentum:.6f}" in summary["weights"]
