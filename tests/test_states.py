"""The image state machine: allowed transitions happen, others are refused, claims are atomic."""
import pytest

from app import states
from app.extensions import db
from app.models import Image


def test_every_transition_in_the_table_and_no_other():
    for current in states.ALL:
        for new in states.ALL:
            if new in states.TRANSITIONS[current]:
                states.check(current, new)
            else:
                with pytest.raises(states.IllegalTransition):
                    states.check(current, new)


@pytest.fixture
def image(campaign):
    image = Image(campaign=campaign, uploader_id=campaign.owner_id, placement="hero",
                  original_key="originals/1/x", declared_bytes=1)
    db.session.add(image)
    db.session.commit()
    return image


def test_illegal_transition_changes_nothing(image):
    with pytest.raises(states.IllegalTransition):
        image.transition_to(states.READY)
    assert image.state == states.PENDING_UPLOAD


def test_only_one_claim_wins(image):
    image.transition_to(states.UPLOADED)
    db.session.commit()
    assert image.claim(states.UPLOADED, states.PROCESSING) is True
    assert image.claim(states.UPLOADED, states.PROCESSING) is False
    assert image.state == states.PROCESSING
