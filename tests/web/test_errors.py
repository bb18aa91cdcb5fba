"""web/errors.py: the web layer, not the reader, gives each error its status."""

from model.core.errors import InputTooLarge, InvalidInput
from web.errors import reader_status


def test_the_reader_s_exceptions_carry_no_status():
    assert not hasattr(InvalidInput("x"), "status_code")
    assert not hasattr(InputTooLarge("x"), "status_code")


def test_a_refused_size_is_413_and_any_other_unreadable_input_400():
    assert reader_status(InputTooLarge("too many")) == 413
    assert reader_status(InvalidInput("not a drawing")) == 400


def test_the_api_answers_the_reader_s_errors_with_their_status(client):
    dot = {"type": "path", "path": [["M", 10, 10], ["L", 20, 20]]}
    too_many = client.post("/api/predict", json={"canvas": {"objects": [dot] * 501}})
    assert too_many.status_code == 413
    assert "500" in too_many.get_json()["error"]
    unreadable = client.post("/api/predict", json={"canvas": {"objects": "no"}})
    assert unreadable.status_code == 400
    assert unreadable.get_json()["error"]
