"""The "About the model" panel shows the validation table's cross-collection
figure (a whole collection of other writers held out) beside the others."""

from components import about_model

CARD = {
    "pen_writers_heldout_accuracy": 0.998,
    "pen_writers_heldout": {"accuracy": 0.998, "count": 1496},
    "mnist_test": {"accuracy": 0.9972, "count": 10000},
    "validation_table": {
        "lines": [
            {"key": "mnist_raw", "figure": 0.9972, "count": 10000},
            {
                "key": "uji_whole_held_out",
                "figure": 0.9925,
                "count": 1200,
                "note": "the model was never trained on any UJI writer",
            },
        ]
    },
}


def test_the_cross_collection_figure_stands_beside_the_new_writers_figure():
    figures = about_model.key_figures(CARD)
    labels = [label for label, _ in figures]
    assert labels[0] == "Pen digits by writers it never saw"
    assert "never trained on (UJI" in labels[1]
    assert figures[1][1] == "99.25% of 1,200 digits"


def test_a_sibling_run_s_figure_says_so():
    card = {**CARD, "validation_table": {"lines": [dict(CARD["validation_table"]["lines"][1])]}}
    card["validation_table"]["lines"][0]["note"] = "measured on the sibling run x: without UJI"
    (label, value) = about_model.cross_collection(card)
    assert "same recipe" in label and "never trained" not in label and value.startswith("99.25%")


def test_a_card_without_the_table_shows_no_such_figure():
    card = {key: value for key, value in CARD.items() if key != "validation_table"}
    assert about_model.cross_collection(card) is None
    assert not any("collection" in label for label, _ in about_model.key_figures(card))
    broken = {**card, "validation_table": {"lines": [{"key": "uji_whole_held_out"}]}}
    assert about_model.cross_collection(broken) is None
