"""The README's curl examples use docs/seven.png: it is there, and the server
reads it as 7 through each route the README shows (the form post with a data
URL or the file itself, and JSON)."""

import base64
from pathlib import Path

SEVEN = Path(__file__).resolve().parents[2] / "docs" / "seven.png"


def data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(SEVEN.read_bytes()).decode("ascii")


def test_the_json_route_reads_docs_seven_png_as_7(client):
    response = client.post("/api/predict", json={"image": data_url()})
    assert response.status_code == 200
    body = response.get_json()
    assert body["digit"] == 7 and body["number"] == "7"


def test_the_form_routes_read_docs_seven_png_as_7(client):
    as_text = client.post("/predict", data={"digit": data_url()})
    with SEVEN.open("rb") as image:
        as_file = client.post(
            "/predict", data={"digit": (image, "seven.png")}, content_type="multipart/form-data"
        )
    for response in (as_text, as_file):  # curl's default Accept: the JSON answer
        assert response.status_code == 200
        assert response.get_json()["digit"] == 7
