"""NudeNet: a local, offline detector whose model ships inside the `nudenet` package.

Optional: the package carries an AGPL licence, so production installs may leave it out
(requirements-moderation.txt installs it; `make run` does).
"""
import os

from .base import Label, ModerationUnavailable, Provider, Verdict

# The detector's classes that put a photo in front of an admin.
FLAGGED_CLASSES = {
    "FEMALE_BREAST_EXPOSED", "FEMALE_GENITALIA_EXPOSED", "MALE_GENITALIA_EXPOSED",
    "ANUS_EXPOSED", "BUTTOCKS_EXPOSED",
}


class NudeNetModeration(Provider):
    """Flags exposed intimate parts seen with at least `min_confidence` percent."""

    name = "nudenet"

    def __init__(self, min_confidence=60.0):
        try:
            import nudenet  # noqa: F401
        except ImportError:
            raise RuntimeError(
                "MODERATION_PROVIDER=nudenet needs the optional nudenet package (AGPL): "
                "pip install -r requirements-moderation.txt, or choose rekognition, manual or none"
            )
        self.min_confidence = min_confidence
        self._detector, self._pid = None, None

    def warm_up(self):
        """Import the libraries before the worker forks; the model itself loads per process."""
        import nudenet  # noqa: F401  (onnxruntime and OpenCV come with it)

    def _detector_here(self):
        # An ONNX session's thread pool does not survive fork(): every process (RQ forks a
        # work horse per job) builds its own, which takes about 0.1 s.
        if self._detector is None or self._pid != os.getpid():
            from nudenet import NudeDetector

            self._detector, self._pid = NudeDetector(), os.getpid()
        return self._detector

    def check(self, jpeg_bytes):
        detector = self._detector_here()
        try:
            detections = detector.detect(jpeg_bytes)
        except Exception as error:  # a broken model or input: a person decides instead
            raise ModerationUnavailable(f"nudenet failed: {error}", retryable=False)
        labels = [
            Label(d["class"], round(100 * float(d["score"]), 1), "Nudity")
            for d in detections
            if d["class"] in FLAGGED_CLASSES and 100 * d["score"] >= self.min_confidence
        ]
        return Verdict(bool(labels), labels, self.name)
