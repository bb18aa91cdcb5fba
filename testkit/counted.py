"""A classifier that counts its model calls, for the tests that bound what one
request costs (tests/model/test_request_budget.py, tests/web/test_request_work.py)."""


class Counted:
    """The classifier, counting its model calls (one per image)."""

    def __init__(self, classifier):
        self.classifier = classifier
        self.card = classifier.card
        self.calls = 0

    def predict(self, image):
        self.calls += 1
        return self.classifier.predict(image)

    def predict_batch(self, images):
        self.calls += len(images)
        return self.classifier.predict_batch(images)
